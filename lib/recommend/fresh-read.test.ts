import { describe, expect, it } from "vitest";
import { sharedFreshRead } from "./fresh-read";

/** A read whose answers the test releases by hand, recording when each read started. */
function manualReads() {
  const started: { value: number; finish: (error?: Error) => void }[] = [];
  let committed = 0;
  const read = () =>
    new Promise<number>((resolve, reject) => {
      const value = committed; // what a query started now would see
      started.push({ value, finish: (error) => (error ? reject(error) : resolve(value)) });
    });
  return { read, started, commit: () => committed++ };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("sharedFreshRead", () => {
  it("shares a read among callers that ask while it is in flight, and never answers with an older read", async () => {
    const reads = manualReads();
    const fresh = sharedFreshRead(reads.read);
    const first = fresh();
    await tick();
    expect(reads.started).toHaveLength(1);

    // Asked while the first read is in flight, after a commit it cannot see: they wait for the next read.
    reads.commit();
    const second = fresh();
    const third = fresh();
    await tick();
    expect(reads.started).toHaveLength(1);
    reads.started[0].finish();
    expect(await first).toBe(0);
    await tick();
    expect(reads.started).toHaveLength(2);
    reads.started[1].finish();
    expect(await second).toBe(1);
    expect(await third).toBe(1);

    // Nothing in flight: the next caller starts a read of its own.
    reads.commit();
    const fourth = fresh();
    await tick();
    expect(reads.started).toHaveLength(3);
    reads.started[2].finish();
    expect(await fourth).toBe(2);
  });

  it("gives a caller that asks while the queued read is already on its way a read of its own after it", async () => {
    const reads = manualReads();
    const fresh = sharedFreshRead(reads.read);
    const first = fresh();
    const second = fresh(); // queued behind the first
    await tick();
    reads.started[0].finish();
    await first;
    await tick();
    expect(reads.started).toHaveLength(2); // the queued read is now in flight

    reads.commit();
    const third = fresh(); // asked after the second read started: must not share it
    reads.started[1].finish();
    expect(await second).toBe(0);
    await tick();
    expect(reads.started).toHaveLength(3);
    reads.started[2].finish();
    expect(await third).toBe(1);
  });

  it("passes a failed read's error to its callers only; the queued callers get a new read", async () => {
    const reads = manualReads();
    const fresh = sharedFreshRead(reads.read);
    const first = fresh();
    const second = fresh();
    await tick();
    reads.started[0].finish(new Error("connection lost"));
    await expect(first).rejects.toThrow("connection lost");
    await tick();
    expect(reads.started).toHaveLength(2);
    reads.started[1].finish();
    expect(await second).toBe(0);
  });

  it("turns a read that throws at once into a rejected promise and recovers", async () => {
    let calls = 0;
    const fresh = sharedFreshRead(() => {
      if (calls++ === 0) throw new Error("pool ended");
      return Promise.resolve("ok");
    });
    await expect(fresh()).rejects.toThrow("pool ended");
    expect(await fresh()).toBe("ok");
  });
});

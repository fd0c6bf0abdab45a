// withAdvisoryLock on a real PostgreSQL: one holder per name at a time, waiters told they waited,
// and held locks never take connections from the pool the work itself queries through.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { withAdvisoryLock } from "./advisory-lock";
import { createDb, type Db } from "./client";

describe("withAdvisoryLock", () => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase("advisory_lock", { migrated: false });
    db = createDb(database.url, { max: 2 }); // a small pool: held locks must not use it up
  });
  afterAll(async () => {
    await db.$disconnect();
    await database.drop();
  });

  it("runs one holder of a name at a time; the second is told it waited", async () => {
    const events: string[] = [];
    const job = (label: string) =>
      withAdvisoryLock(db, "same-name", async (waited) => {
        events.push(`${label} start${waited ? " (waited)" : ""}`);
        await sleep(200);
        events.push(`${label} end`);
        return label;
      });
    const first = job("a");
    await sleep(50); // "a" holds the lock by now
    const results = await Promise.all([first, job("b")]);
    expect(results).toEqual(["a", "b"]);
    expect(events).toEqual(["a start", "a end", "b start (waited)", "b end"]);
  });

  it("holds more locks at once than the pool has connections, and the work still queries through it", async () => {
    const names = ["u1", "u2", "u3", "u4", "u5"];
    const holding = new Set<string>();
    let mostAtOnce = 0;
    const results = await Promise.all(
      names.map((name) =>
        withAdvisoryLock(db, `job:${name}`, async (waited) => {
          holding.add(name);
          mostAtOnce = Math.max(mostAtOnce, holding.size);
          await sleep(150);
          const [{ one }] = await db.$queryRaw<{ one: number }[]>`SELECT 1 AS one`;
          holding.delete(name);
          return { name, waited, one };
        }),
      ),
    );
    expect(results).toEqual(names.map((name) => ({ name, waited: false, one: 1 })));
    expect(mostAtOnce).toBe(names.length);
  });

  it("releases the lock when the work throws", async () => {
    await expect(withAdvisoryLock(db, "throws", async () => { throw new Error("boom"); })).rejects.toThrow("boom");
    expect(await withAdvisoryLock(db, "throws", async (waited) => waited)).toBe(false);
  });
});

// The app-wide 429 hold across processes: two RateLimitHolds on one database
// stand for two app processes (each has its own in-memory state, as they would).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDb, type Db } from "../db/client";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { postgresRateLimitStore, RateLimitHold, type SharedRateLimitStore } from "./rate-limit";

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase("rate_limit");
  db = createDb(database.url, { max: 4 });
});

afterAll(async () => {
  await db.$disconnect();
  await database.drop();
});

describe("RateLimitHold", () => {
  it("a 429 one process records holds back another process on the same database, for Retry-After and no longer", async () => {
    const first = new RateLimitHold(postgresRateLimitStore(db), 0);
    const second = new RateLimitHold(postgresRateLimitStore(db), 0);
    expect(await second.msLeft()).toBeLessThanOrEqual(0);

    // A window long enough that a slow machine's round trips cannot eat it up before the checks.
    await first.holdFor(4_000);
    const left = await second.msLeft();
    expect(left).toBeGreaterThan(2_000);
    expect(left).toBeLessThanOrEqual(4_000);

    // A shorter Retry-After seen later never shortens the hold.
    await second.holdFor(200);
    expect(await first.msLeft()).toBeGreaterThan(1_000);

    await new Promise((resolve) => setTimeout(resolve, left + 20));
    expect(await first.msLeft()).toBeLessThanOrEqual(0);
    expect(await second.msLeft()).toBeLessThanOrEqual(0);
    expect(first.holdStats()).toEqual({ windows: 1, heldMs: 4_000 });
  });

  it("reads the shared hold at most once per freshness period, however many calls ask", async () => {
    const store: SharedRateLimitStore = { msLeft: vi.fn(async () => 0), holdFor: vi.fn(async () => {}) };
    const hold = new RateLimitHold(store, 60_000);
    await Promise.all(Array.from({ length: 20 }, () => hold.msLeft()));
    await hold.msLeft();
    expect(store.msLeft).toHaveBeenCalledTimes(1);
    // Writing a hold drops the cached read: the next call sees the hold (and any later one) at once.
    await hold.holdFor(500);
    expect(store.holdFor).toHaveBeenCalledWith(500);
    expect(await hold.msLeft()).toBeGreaterThan(0);
    expect(store.msLeft).toHaveBeenCalledTimes(2);
  });

  it("keeps holding back on its own 429s when the database cannot be reached, and says so once", async () => {
    const broken: SharedRateLimitStore = {
      msLeft: async () => Promise.reject(new Error("connection refused")),
      holdFor: async () => Promise.reject(new Error("connection refused")),
    };
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const hold = new RateLimitHold(broken, 0);
      expect(await hold.msLeft()).toBeLessThanOrEqual(0);
      await hold.holdFor(1_000);
      expect(await hold.msLeft()).toBeGreaterThan(900);
      expect(logged).toHaveBeenCalledTimes(1);
      expect(String(logged.mock.calls[0][0])).toMatch(/holds back on its own 429s only: connection refused/);
    } finally {
      logged.mockRestore();
    }
  });

  it("the union of overlapping windows is what it counts as held", async () => {
    const hold = new RateLimitHold();
    await hold.holdFor(1_000);
    await hold.holdFor(1_000); // almost the same window: extends it by the few ms between the calls
    const { windows, heldMs } = hold.holdStats();
    expect(windows).toBeLessThanOrEqual(2);
    expect(heldMs).toBeGreaterThanOrEqual(1_000);
    expect(heldMs).toBeLessThan(1_100);
  });
});

describe("RateLimitHold at the end of a hold", () => {
  it("has read the shared hold again by the time the hold ends, so that waking requests need no query", async () => {
    let reads = 0;
    const store: SharedRateLimitStore = {
      // Two reads answer (the one after the 429, the one just before the hold ends); a third never would.
      msLeft: vi.fn(() => (++reads <= 2 ? Promise.resolve(0) : new Promise<number>(() => {}))),
      holdFor: vi.fn(async () => {}),
    };
    // Reads stay fresh for 1 s and the hold lasts 1.5 s: the first read is stale when the hold ends.
    const hold = new RateLimitHold(store, 1_000);
    await hold.holdFor(1_500);
    const left = await hold.msLeft();
    const end = Date.now() + left;
    expect(left).toBeGreaterThan(1_000);
    await vi.waitFor(() => expect(store.msLeft).toHaveBeenCalledTimes(2), { timeout: 3_000, interval: 20 });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, end - Date.now()) + 10));
    expect(await hold.msLeft()).toBeLessThanOrEqual(0); // answered from the read made before the end
    expect(store.msLeft).toHaveBeenCalledTimes(2);
  });
});

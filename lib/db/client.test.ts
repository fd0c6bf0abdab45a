// Next bundles lib/db/client.ts into several server chunks: a client made by one copy of the
// module must still be known to the others (the advisory locks and the seed's COPY need its URL,
// the recommendation hot path its pool).
import { describe, expect, it, vi } from "vitest";
import { testServerUrl } from "../testing/database";
import { connectionStringOf, createDb, sqlPoolOf } from "./client";

describe("createDb", () => {
  it("makes clients whose URL and pool another copy of this module can read", async () => {
    const url = testServerUrl();
    const db = createDb(url, { max: 1 });
    try {
      vi.resetModules();
      const copy = await import("./client");
      expect(copy.connectionStringOf).not.toBe(connectionStringOf); // really another copy
      expect(copy.connectionStringOf(db)).toBe(url);
      expect(copy.sqlPoolOf(db)).toBe(sqlPoolOf(db));
      expect(sqlPoolOf(db)).not.toBeNull();
    } finally {
      await db.$disconnect();
    }
  });
});

import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "./client";
import { ensureDatabase } from "./database";
import { freePort } from "../net/free-port";
import { startEmbeddedPostgres, type EmbeddedServer } from "./embedded";
import { applyMigrations, readMigrations } from "./migrate";


describe("PostgreSQL restarting while the app runs", () => {
  let server: EmbeddedServer | undefined;
  let dataDir: string | undefined;
  afterAll(async () => {
    await server?.stop();
    if (dataDir) await fs.rm(path.dirname(dataDir), { recursive: true, force: true });
  });

  it("fails the requests made while it is down, and serves the next one after it is back", async () => {
    const parent = await fs.mkdtemp(path.join(os.tmpdir(), "pg-restart-"));
    await fs.chmod(parent, 0o755); // PostgreSQL runs as the `postgres` user when we are root
    dataDir = path.join(parent, "data");
    // A cluster of its own (not the shared test server), since this test stops it.
    const port = await freePort();
    server = await startEmbeddedPostgres({ dataDir, port, unsafeFast: true });
    const url = await ensureDatabase(server.adminUrl, "restart");
    await applyMigrations(url, await readMigrations());
    const db = createDb(url, { max: 2 });
    try {
      expect(await db.cluster.count()).toBe(0);

      await server.stop();
      await expect(db.cluster.count()).rejects.toThrow();

      server = await startEmbeddedPostgres({ dataDir, port, unsafeFast: true });
      // The pool drops its dead connections and opens new ones: no restart of the app needed.
      let answer: number | undefined;
      for (let attempt = 0; attempt < 3 && answer === undefined; attempt++) {
        answer = await db.cluster.count().catch(() => undefined);
      }
      expect(answer).toBe(0);
      expect(await db.cluster.count()).toBe(0);
    } finally {
      await db.$disconnect();
    }
  }, 120_000);
});

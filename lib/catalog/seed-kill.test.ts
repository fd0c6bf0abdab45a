import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../db/client";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { seedCatalog } from "./seed";

const TSX = path.resolve("node_modules/tsx/dist/cli.mjs");
// The seed in this very process (tsx as a loader): the tsx command would run it in
// a child process, which a SIGKILL of the command leaves running on its own.
const TSX_LOADER = ["--import", "tsx"];

/** Model and track counts in one snapshot. */
async function catalogState(db: Db) {
  const [row] = await db.$queryRaw<{ k: number; checksum: string; tracks: bigint; leftovers: bigint }[]>`
    SELECT (SELECT k FROM catalog_model) AS k, (SELECT dataset_checksum FROM catalog_model) AS checksum,
           (SELECT count(*) FROM track) AS tracks,
           (SELECT count(*) FROM pg_class WHERE relname = 'track_next') AS leftovers`;
  return { k: row.k, checksum: row.checksum, tracks: Number(row.tracks), leftovers: Number(row.leftovers) };
}

/** Transactions holding the catalog's advisory lock (a seed writing). */
async function seedsInProgress(db: Db): Promise<number> {
  const [row] = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted`;
  return Number(row.n);
}

/** Runs `npm run seed` as a separate process and SIGKILLs it once it prints that `phase` started. */
function seedKilledDuring(phase: "read" | "cluster" | "write", file: string, databaseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...TSX_LOADER, "scripts/seed.ts", file, "--k", "5"], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`${phase}: started`)) child.kill("SIGKILL");
    };
    child.stdout.on("data", watch);
    child.stderr.on("data", watch);
    child.on("error", reject);
    child.on("exit", (_code, signal) =>
      signal === "SIGKILL" ? resolve(output) : reject(new Error(`seed was not killed during ${phase}:\n${output}`)),
    );
  });
}

describe("a seed killed at each phase", () => {
  let database: TestDatabase;
  let db: Db;
  let work: string;
  let bigFile: string;

  beforeAll(async () => {
    database = await createTestDatabase("seedkill");
    db = createDb(database.url);
    await seedCatalog(db, { file: "prisma/sample/tracks.csv", k: 6 });
    work = await fs.mkdtemp(path.join(os.tmpdir(), "seed-kill-"));
    // Big enough that each phase lasts long enough to be caught.
    bigFile = path.join(work, "tracks.csv.gz");
    const made = spawnSync(process.execPath, [TSX, "scripts/make-synthetic-catalog.ts", bigFile, "--rows", "120000"]);
    if (made.status !== 0) throw new Error(made.stderr.toString());
  }, 120_000);
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
    await fs.rm(work, { recursive: true, force: true });
  });

  for (const phase of ["read", "cluster", "write"] as const) {
    it(`leaves the old catalog intact when killed during ${phase}`, async () => {
      const before = await catalogState(db);
      expect(before).toMatchObject({ k: 6, tracks: 3000, leftovers: 0 });
      await seedKilledDuring(phase, bigFile, database.url);
      // The server rolls the killed connection's transaction back once it notices:
      // until then that transaction holds the seed's advisory lock.
      await expect.poll(() => seedsInProgress(db), { timeout: 10_000 }).toBe(0);
      expect(await catalogState(db)).toEqual(before);
    }, 120_000);
  }

  it("lets the next seed run normally", async () => {
    const summary = await seedCatalog(db, { file: "prisma/sample/tracks.csv", k: 4 });
    expect(summary.k).toBe(4);
    expect(await catalogState(db)).toMatchObject({ k: 4, tracks: 3000, leftovers: 0 });
  });
});

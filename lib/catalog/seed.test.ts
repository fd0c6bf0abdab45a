import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createDb, type Db } from "../db/client";
import { seedWorkspace } from "../testing/seed-workspace";
import { CatalogFileError } from "./read";
import { SeedError, seedCatalog } from "./seed";
import { readCatalogInfo } from "./store";

const SAMPLE = path.resolve("prisma/sample/tracks.csv");

/** Model k, highest cluster id and track count, read in one statement (one snapshot). */
async function snapshot(db: Db) {
  const [row] = await db.$queryRaw<{ k: number | null; max_cluster: number | null; tracks: bigint; checksum: string | null }[]>`
    SELECT (SELECT k FROM catalog_model) AS k, (SELECT dataset_checksum FROM catalog_model) AS checksum,
           max(cluster_id)::int AS max_cluster, count(*) AS tracks FROM track`;
  return { k: row.k, maxCluster: row.max_cluster, tracks: Number(row.tracks), checksum: row.checksum };
}

describe("seeding the catalog", () => {
  const workspace = seedWorkspace("seed");

  it("loads the bundled sample with clusters, labels and the model", async () => {
    const summary = await seedCatalog(workspace.db, { file: SAMPLE, k: 6 });
    expect(summary.rowsKept).toBeGreaterThan(1000);
    expect(summary.rowsKept).toBe(summary.rowsRead - Object.values(summary.rejectedByField).reduce((a, b) => a + b, 0));
    const info = await readCatalogInfo(workspace.db);
    expect(info?.model).toMatchObject({ k: 6, seed: 42, rowsKept: summary.rowsKept });
    expect(info?.model.datasetChecksum).toMatch(/^[0-9a-f]{64}$/);
    expect(info?.clusters).toHaveLength(6);
    expect(info?.clusters.reduce((a, c) => a + c.size, 0)).toBe(summary.rowsKept);
    expect(new Set(info?.clusters.map((c) => c.label)).size).toBe(6);
    // Centroids are stored in real units: tempo in BPM, the rest within 0..1.
    const tempo = info!.model.features.indexOf("tempo");
    expect(info!.clusters[0].centroid[tempo]).toBeGreaterThan(40);
    expect(await snapshot(workspace.db)).toMatchObject({ k: 6, maxCluster: 5, tracks: summary.rowsKept });
  });

  it("keeps the track table exactly as the migrations made it (same indexes and names)", async () => {
    const indexes = await workspace.db.$queryRaw<{ indexname: string }[]>`
      SELECT indexname FROM pg_indexes WHERE tablename = 'track' ORDER BY indexname`;
    expect(indexes.map((i) => i.indexname)).toEqual(["track_cluster_id_popularity_idx", "track_cluster_id_primary_artist_idx", "track_match_key_idx", "track_pkey"]);
    const leftovers = await workspace.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM pg_class WHERE relname LIKE '%next%'`;
    expect(Number(leftovers[0].n)).toBe(0);
    // The byte-order keys of migration 20261202191500 survive the swap (CREATE TABLE … LIKE copies them).
    const collations = await workspace.db.$queryRaw<{ column_name: string; collation_name: string | null }[]>`
      SELECT column_name, collation_name FROM information_schema.columns
      WHERE table_name = 'track' AND column_name IN ('id', 'match_key', 'primary_artist', 'name') ORDER BY column_name`;
    expect(collations).toEqual([
      { column_name: "id", collation_name: "C" },
      { column_name: "match_key", collation_name: "C" },
      { column_name: "name", collation_name: null },
      { column_name: "primary_artist", collation_name: "C" },
    ]);
  });


  it("leaves the new track table analyzed, so the planner uses the match_key index for a list of keys", async () => {
    const [stats] = await workspace.db.$queryRaw<{ analyzed: boolean; columns: bigint }[]>`
      SELECT (SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'track') AS analyzed,
             (SELECT count(*) FROM pg_stats WHERE tablename = 'track' AND attname = 'match_key') AS columns`;
    expect(stats).toEqual({ analyzed: true, columns: 1n });
    const keys = await workspace.db.$queryRaw<{ match_key: string }[]>`SELECT match_key FROM track ORDER BY id LIMIT 100`;
    const plan = await workspace.db.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
      `EXPLAIN SELECT id FROM track WHERE match_key = ANY($1::text[]) ORDER BY popularity DESC, id`,
      keys.map((k) => k.match_key),
    );
    const text = plan.map((row) => row["QUERY PLAN"]).join("\n");
    expect(text).toContain("track_match_key_idx");
    expect(text).not.toContain("Seq Scan");
    // From the seed's smaller sample (store.ts SEED_STATISTICS_TARGET): a histogram of at most 31
    // bounds where the server's default target (100) gives this catalog's popularity more.
    const [histogram] = await workspace.db.$queryRaw<{ bounds: number }[]>`
      SELECT cardinality(histogram_bounds::text::int[]) AS bounds FROM pg_stats WHERE tablename = 'track' AND attname = 'popularity'`;
    expect(histogram.bounds).toBeGreaterThan(1);
    expect(histogram.bounds).toBeLessThanOrEqual(31);
  });
  it("gives the same clusters when seeded again with the same k and seed", async () => {
    const before = await workspace.db.track.findMany({ select: { id: true, clusterId: true }, orderBy: { id: "asc" } });
    await seedCatalog(workspace.db, { file: SAMPLE, k: 6 });
    const after = await workspace.db.track.findMany({ select: { id: true, clusterId: true }, orderBy: { id: "asc" } });
    expect(after).toEqual(before);
  });

  it("replaces the catalog atomically: a reader sees the old one or the new one, never a mix", async () => {
    const old = await snapshot(workspace.db);
    const seen: Awaited<ReturnType<typeof snapshot>>[] = [];
    let seeding = true;
    const reader = (async () => {
      const readerDb = createDb(workspace.url, { max: 1 });
      while (seeding) seen.push(await snapshot(readerDb));
      await readerDb.$disconnect();
    })();
    await seedCatalog(workspace.db, { file: SAMPLE, k: 4 });
    seeding = false;
    await reader;
    const fresh = await snapshot(workspace.db);
    expect(fresh).toMatchObject({ k: 4, maxCluster: 3, tracks: old.tracks });
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) expect([old, fresh]).toContainEqual(s);
  });

  it("runs two seeds started together one after the other, without a deadlock", async () => {
    const other = createDb(workspace.url);
    try {
      const results = await Promise.allSettled([seedCatalog(workspace.db, { file: SAMPLE, k: 5 }), seedCatalog(other, { file: SAMPLE, k: 7 })]);
      expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : r.value.k))).toEqual([5, 7]);
      expect([5, 7]).toContain((await snapshot(workspace.db)).k);
      expect(await workspace.db.$queryRaw`SELECT relname FROM pg_class WHERE relname = 'track_next'`).toEqual([]);
    } finally {
      await other.$disconnect();
    }
  });

  it("changes nothing when the file has a wrong header, and names the missing columns", async () => {
    const before = await snapshot(workspace.db);
    const broken = path.join(workspace.work, "wrong-header.csv");
    await fs.writeFile(broken, "id,title,popularity\n6rqhFgbbKwnb9MLmUQDhG6,Song,50\n");
    const error = await seedCatalog(workspace.db, { file: broken, k: 4 }).catch((e) => e);
    expect(error).toBeInstanceOf(CatalogFileError);
    expect(error.message).toContain(broken);
    expect(error.message).toMatch(/danceability/);
    expect(error.message).toMatch(/release_date/);
    expect(await snapshot(workspace.db)).toEqual(before);
  });

  it("changes nothing when no row is valid, and counts rejections by field with line numbers", async () => {
    const before = await snapshot(workspace.db);
    const header = (await fs.readFile(SAMPLE, "utf8")).split("\n")[0];
    const bad = path.join(workspace.work, "all-bad.csv");
    await fs.writeFile(bad, `${header}\nnot-an-id,Song\n`);
    await expect(seedCatalog(workspace.db, { file: bad, k: 4 })).rejects.toBeInstanceOf(SeedError);
    expect(await snapshot(workspace.db)).toEqual(before);
  });

  it("rolls back a write that fails half-way, leaving the old catalog", async () => {
    const before = await snapshot(workspace.db);
    let batches = 0;
    const failing = seedCatalog(workspace.db, {
      file: SAMPLE,
      k: 5,
      onPhase: (phase) => ({
        update() {
          if (phase === "write" && ++batches === 1) throw new Error("simulated crash after the first batch");
        },
        finish() {},
      }),
    });
    await expect(failing).rejects.toThrow(/simulated crash/);
    expect(await snapshot(workspace.db)).toEqual(before);
  });

  it("skips malformed rows and reports the first ones by line and reason", async () => {
    const lines = (await fs.readFile(SAMPLE, "utf8")).trimEnd().split("\n");
    const good = lines.slice(0, 200);
    const badLine = good[5].replace(/,0\.\d+,/, ",1.7,"); // a 0..1 feature out of range
    const mixed = path.join(workspace.work, "mixed.csv");
    await fs.writeFile(mixed, [...good, badLine.replace(/^[^,]+/, "1234567890123456789012"), "short,row"].join("\n") + "\n");
    const summary = await seedCatalog(workspace.db, { file: mixed, k: 3 });
    expect(summary.rowsRead).toBe(201);
    expect(summary.rowsKept).toBe(199);
    expect(summary.firstRejections.map((r) => r.line)).toEqual([201, 202]);
    expect(summary.firstRejections[1].reason).toMatch(/columns/);
    expect(summary.rejectedByField.columns).toBe(1);
  });
});

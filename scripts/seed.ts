// npm run seed -- <catalog.csv | catalog.csv.gz | URL> [--artists artists.csv[.gz]] [--k N | --k auto] [--seed N]
// The catalog's format (lib/catalog/formats.ts) is recognised from its header.
import { parseArgs } from "node:util";
import { progress } from "../lib/cli/progress";
import { ArtistsFileError } from "../lib/catalog/artists";
import { CatalogFileError } from "../lib/catalog/read";
import { DEFAULT_K, DEFAULT_SEED, SeedError, seedCatalog, type SeedSummary } from "../lib/catalog/seed";
import { CatalogSourceError } from "../lib/catalog/source";
import { createDb } from "../lib/db/client";
import { openDatabase } from "../lib/db/database";
import { applyMigrations, readMigrations } from "../lib/db/migrate";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    k: { type: "string", default: String(DEFAULT_K) },
    seed: { type: "string", default: String(DEFAULT_SEED) },
    artists: { type: "string" },
  },
});
const file = positionals[0];
const k = values.k === "auto" ? "auto" : Number(values.k);
const seed = Number(values.seed);
if (!file || (k !== "auto" && (!Number.isInteger(k) || k < 1)) || !Number.isInteger(seed)) {
  console.error("usage: npm run seed -- <catalog.csv|catalog.csv.gz|http(s) URL> [--artists artists.csv[.gz]] [--k N|auto] [--seed N]");
  process.exit(2);
}

const database = await openDatabase();
const db = createDb(database.url);
try {
  await applyMigrations(database.url, await readMigrations());
  const summary = await seedCatalog(db, {
    file, k, seed, artists: values.artists,
    onPhase: (phase, total) =>
      phase === "read" ? progress("read", total, "MB", 1e6)
      : phase === "write" ? progress("write", total, "rows")
      : progress("cluster", 1, "step"),
  });
  printSummary(summary);
} catch (error) {
  if (
    error instanceof CatalogFileError || error instanceof CatalogSourceError || error instanceof SeedError ||
    error instanceof ArtistsFileError
  ) {
    console.error(`Seed failed: ${error.message}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
} finally {
  await db.$disconnect();
  await database.close();
}

function printSummary(s: SeedSummary) {
  const count = (n: number) => n.toLocaleString("en-US");
  const percent = (share: number) => `${Math.round(share * 100)}%`;
  console.log(`\nSeeded ${s.file}`);
  console.log(`  format: "${s.formatName}" (${s.format}); optional columns: ${s.columns.join(", ") || "none"}`);
  if (s.artists) {
    console.log(`  artists: ${s.artists.file}, ${count(s.artists.rowsRead)} read, ${count(s.artists.withGenres)} with genres`);
  }
  console.log(`  rows read ${count(s.rowsRead)}, rejected ${count(s.rowsRejected)}, merged ${count(s.rowsMerged)} (${count(s.rowsConflicting)} with conflicting features)`);
  for (const [field, n] of Object.entries(s.rejectedByField)) console.log(`    ${field}: ${count(n)}`);
  for (const r of s.firstRejections) console.log(`    line ${r.line}: ${r.reason}`);
  console.log(`  tracks kept ${count(s.tracksKept)}`);
  console.log(`  genres ${count(s.distinctGenres)}, subgenres ${count(s.distinctSubgenres)}, tracks without a genre ${count(s.tracksWithoutGenre)}`);
  if (s.kTable) {
    console.log("  k chosen by silhouette on a sample:");
    console.log("     k   inertia  silhouette");
    for (const row of s.kTable) {
      console.log(`    ${String(row.k).padStart(2)} ${row.inertia.toFixed(0).padStart(9)}  ${row.silhouette.toFixed(3)}${row.k === s.k ? "  <- chosen" : ""}`);
    }
  }
  console.log(`  k = ${s.k}, inertia ${s.inertia.toFixed(0)}`);
  for (const c of s.clusters) {
    console.log(`    cluster ${c.id}: ${String(c.size).padStart(7)} tracks  ${c.label}`);
    if (c.topGenres.length > 0) {
      console.log(`      top genres: ${c.topGenres.map((g) => `${g.genre} ${percent(g.share)}`).join(", ")}`);
    }
  }
  const t = s.secondsByPhase;
  console.log(`  time: read ${t.read.toFixed(1)} s, cluster ${t.cluster.toFixed(1)} s, write ${t.write.toFixed(1)} s`);
}

// npm run seed -- <tracks.csv | tracks.csv.gz> [--k N | --k auto] [--seed N]
import { parseArgs } from "node:util";
import { progress } from "../lib/cli/progress";
import { CatalogFileError } from "../lib/catalog/read";
import { DEFAULT_K, DEFAULT_SEED, SeedError, seedCatalog, type SeedSummary } from "../lib/catalog/seed";
import { createDb } from "../lib/db/client";
import { openDatabase } from "../lib/db/database";
import { applyMigrations, readMigrations } from "../lib/db/migrate";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { k: { type: "string", default: String(DEFAULT_K) }, seed: { type: "string", default: String(DEFAULT_SEED) } },
});
const file = positionals[0];
const k = values.k === "auto" ? "auto" : Number(values.k);
const seed = Number(values.seed);
if (!file || (k !== "auto" && (!Number.isInteger(k) || k < 1)) || !Number.isInteger(seed)) {
  console.error("usage: npm run seed -- <tracks.csv|tracks.csv.gz> [--k N|auto] [--seed N]");
  process.exit(2);
}

const database = await openDatabase();
const db = createDb(database.url);
try {
  await applyMigrations(database.url, await readMigrations());
  const summary = await seedCatalog(db, {
    file, k, seed,
    onPhase: (phase, total) =>
      phase === "read" ? progress("read", total, "MB", 1e6)
      : phase === "write" ? progress("write", total, "rows")
      : progress("cluster", 1, "step"),
  });
  printSummary(summary);
} catch (error) {
  if (error instanceof CatalogFileError || error instanceof SeedError) {
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
  const rejected = s.rowsRead - s.rowsKept;
  console.log(`\nSeeded ${s.file}`);
  console.log(`  rows read ${s.rowsRead}, kept ${s.rowsKept}, rejected ${rejected}`);
  for (const [field, count] of Object.entries(s.rejectedByField)) console.log(`    ${field}: ${count}`);
  for (const r of s.firstRejections) console.log(`    line ${r.line}: ${r.reason}`);
  if (s.kTable) {
    console.log("  k chosen by silhouette on a sample:");
    console.log("     k   inertia  silhouette");
    for (const row of s.kTable) {
      console.log(`    ${String(row.k).padStart(2)} ${row.inertia.toFixed(0).padStart(9)}  ${row.silhouette.toFixed(3)}${row.k === s.k ? "  <- chosen" : ""}`);
    }
  }
  console.log(`  k = ${s.k}, inertia ${s.inertia.toFixed(0)}`);
  for (const c of s.clusters) console.log(`    cluster ${c.id}: ${String(c.size).padStart(7)} tracks  ${c.label}`);
  const t = s.secondsByPhase;
  console.log(`  time: read ${t.read.toFixed(1)} s, cluster ${t.cluster.toFixed(1)} s, write ${t.write.toFixed(1)} s`);
}

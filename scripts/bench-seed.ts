// npm run bench:seed -- <tracks.csv[.gz]> [--k 8]: seeds a throw-away database and
// reports time and rows/s per phase and the peak memory of the process.
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { seedCatalog } from "../lib/catalog/seed";
import { createDb } from "../lib/db/client";
import { databaseUrl, dropDatabase, ensureDatabase, openDatabase } from "../lib/db/database";
import { applyMigrations, readMigrations } from "../lib/db/migrate";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { k: { type: "string", default: "8" } } });
const file = positionals[0];
if (!file) {
  console.error("usage: npm run bench:seed -- <tracks.csv|tracks.csv.gz> [--k N]");
  process.exit(2);
}

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const server = await openDatabase();
const adminUrl = databaseUrl(server.url, "postgres");
const name = `bench_${randomBytes(4).toString("hex")}`;
await ensureDatabase(adminUrl, name);
const url = databaseUrl(adminUrl, name);
const db = createDb(url);
try {
  await applyMigrations(url, await readMigrations());
  const started = performance.now();
  const s = await seedCatalog(db, { file, k: Number(values.k) });
  const total = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
  const rate = (seconds: number) => Math.round(s.rowsRead / seconds).toLocaleString("en-US");
  console.log(`file: ${file}`);
  console.log(`format ${s.format}, rows read ${s.rowsRead}, merged ${s.rowsMerged}, tracks ${s.tracksKept}, k ${s.k}`);
  console.log("| phase | seconds | rows/s |");
  console.log("|---|---:|---:|");
  for (const [phase, seconds] of Object.entries(s.secondsByPhase)) console.log(`| ${phase} | ${seconds.toFixed(1)} | ${rate(seconds)} |`);
  console.log(`| total | ${total.toFixed(1)} | ${rate(total)} |`);
  console.log(`peak memory (RSS): ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
} finally {
  clearInterval(sampler);
  await db.$disconnect();
  await dropDatabase(adminUrl, name);
  await server.close();
}

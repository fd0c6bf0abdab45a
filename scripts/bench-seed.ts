// npm run bench:seed -- <tracks.csv[.gz]> [--k 8] [--database NAME]: seeds a throw-away database (or
// the existing database NAME on the same server) and reports time and rows/s per phase and the peak
// memory of the process. When a python3 with pandas and scikit-learn is on the machine, it then runs
// the source article's pipeline (scripts/article-pipeline.py) on the same file and compares: totals,
// their ratio, peak memories and k-means inertias (issue 10).
//
// --runs N (N > 1) repeats the comparison N times, each seed in a fresh process (as `npm run seed`
// runs), the two pipelines taking turns at going first, and prints every run's ratio and the
// median: on a shared machine one run's ratio moves by ±25 % with the neighbours.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_SEED, seedCatalog, type SeedSummary } from "../lib/catalog/seed";
import { createDb } from "../lib/db/client";
import { databaseUrl, dropDatabase, ensureDatabase, openDatabase } from "../lib/db/database";
import { applyMigrations, readMigrations } from "../lib/db/migrate";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    k: { type: "string", default: "8" },
    database: { type: "string" },
    runs: { type: "string", default: "1" },
    // For --runs: one run, the article's pipeline first, its figures as a last JSON line.
    "article-first": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});
const file = positionals[0];
if (!file) {
  console.error("usage: npm run bench:seed -- <tracks.csv|tracks.csv.gz> [--k N] [--database NAME] [--runs N]");
  process.exit(2);
}
const k = Number(values.k);
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs: ${values.runs} is not a whole number of runs (1 or more)`);
  process.exit(2);
}
if (runs > 1) {
  compareRuns(runs);
  process.exit(0);
}
const articleFirst = values["article-first"] ? await runArticlePipeline(file, k) : undefined;

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const server = await openDatabase();
const adminUrl = databaseUrl(server.url, "postgres");
const throwAway = values.database === undefined;
const name = values.database ?? `bench_${randomBytes(4).toString("hex")}`;
if (throwAway) await ensureDatabase(adminUrl, name);
const url = databaseUrl(adminUrl, name);
const db = createDb(url);
let ours: { summary: SeedSummary; total: number; peakRssMiB: number };
try {
  await applyMigrations(url, await readMigrations());
  const started = performance.now();
  const summary = await seedCatalog(db, { file, k });
  const total = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
  ours = { summary, total, peakRssMiB: peakRss / 2 ** 20 };
} finally {
  clearInterval(sampler);
  await db.$disconnect();
  if (throwAway) await dropDatabase(adminUrl, name);
  await server.close();
}

const s = ours.summary;
const rate = (seconds: number) => Math.round(s.rowsRead / seconds).toLocaleString("en-US");
console.log(`file: ${file}`);
console.log(`format ${s.format}, rows read ${s.rowsRead}, merged ${s.rowsMerged}, tracks ${s.tracksKept}, k ${s.k}`);
console.log("| phase | seconds | rows/s |");
console.log("|---|---:|---:|");
for (const [phase, seconds] of Object.entries(s.secondsByPhase)) console.log(`| ${phase} | ${seconds.toFixed(1)} | ${rate(seconds)} |`);
console.log(`| total | ${ours.total.toFixed(1)} | ${rate(ours.total)} |`);
console.log(`peak memory (RSS): ${ours.peakRssMiB.toFixed(0)} MiB`);
console.log(`inertia: ${s.inertia.toFixed(1)}`);

const article = articleFirst !== undefined ? articleFirst : await runArticlePipeline(file, k);
if (article === null) {
  console.log("\nthe article's pipeline was not run: no python3 with pandas and scikit-learn (Debian: apt-get install python3-pandas python3-sklearn)");
} else {
  const percent = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(2)}%`;
  console.log(`\nThe article's pipeline (pandas read_csv, scikit-learn KMeans k-means++ one init, to_csv; ${article.python}):`);
  console.log("| phase | ours (s) | article (s) |");
  console.log("|---|---:|---:|");
  for (const phase of ["read", "cluster", "write"] as const) {
    console.log(`| ${phase} | ${s.secondsByPhase[phase].toFixed(1)} | ${article.seconds[phase].toFixed(1)} |`);
  }
  console.log(`| **total** | **${ours.total.toFixed(1)}** | **${article.total.toFixed(1)}** |`);
  console.log(`total ratio (ours / article): ${(ours.total / article.total).toFixed(2)}×`);
  console.log(`peak memory (RSS): ours ${ours.peakRssMiB.toFixed(0)} MiB, article ${article.peakRssMiB.toFixed(0)} MiB`);
  console.log(
    `inertia: ours ${s.inertia.toFixed(1)} (${s.tracksKept} tracks), article ${article.inertia.toFixed(1)} (${article.rows} rows), ` +
      `ours ${percent(s.inertia / article.inertia - 1)}`,
  );
}

if (values.json) {
  console.log(JSON.stringify({
    ours: { total: ours.total, seconds: s.secondsByPhase, peakRssMiB: ours.peakRssMiB, inertia: s.inertia },
    article: article && { total: article.total, seconds: article.seconds, peakRssMiB: article.peakRssMiB, inertia: article.inertia },
  }));
}

interface RunFigures {
  ours: { total: number; seconds: SeedSummary["secondsByPhase"]; peakRssMiB: number; inertia: number };
  article: { total: number; seconds: SeedSummary["secondsByPhase"]; peakRssMiB: number; inertia: number } | null;
}

/** Runs this benchmark `count` times in child processes, alternating which pipeline goes first, and prints the ratios. */
function compareRuns(count: number): void {
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const results: RunFigures[] = [];
  console.log(`file: ${file}, k ${k}, ${count} runs`);
  console.log("| run | first | ours (s) | article (s) | ratio | peak RSS ours / article (MiB) |");
  console.log("|---:|---|---:|---:|---:|---:|");
  for (let run = 1; run <= count; run++) {
    const articleFirst = run % 2 === 0;
    const args = [...process.execArgv, process.argv[1], file, "--k", String(k), "--json"];
    if (values.database !== undefined) args.push("--database", values.database);
    if (articleFirst) args.push("--article-first");
    const child = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 16 << 20, stdio: ["ignore", "pipe", "inherit"] });
    if (child.status !== 0) throw new Error(`run ${run} failed (exit ${child.status})`);
    const figures = JSON.parse(child.stdout.trim().split("\n").at(-1)!) as RunFigures;
    if (figures.article === null) {
      console.log("the article's pipeline was not run: no python3 with pandas and scikit-learn (Debian: apt-get install python3-pandas python3-sklearn)");
      return;
    }
    results.push(figures);
    const { ours, article } = figures;
    console.log(
      `| ${run} | ${articleFirst ? "article" : "ours"} | ${ours.total.toFixed(1)} | ${article.total.toFixed(1)} | ` +
        `${(ours.total / article.total).toFixed(2)}× | ${ours.peakRssMiB.toFixed(0)} / ${article.peakRssMiB.toFixed(0)} |`,
    );
  }
  const ratios = results.map(({ ours, article }) => ours.total / article!.total);
  console.log("| phase | ours, median (s) | article, median (s) |");
  console.log("|---|---:|---:|");
  for (const phase of ["read", "cluster", "write"] as const) {
    console.log(`| ${phase} | ${median(results.map((r) => r.ours.seconds[phase])).toFixed(1)} | ${median(results.map((r) => r.article!.seconds[phase])).toFixed(1)} |`);
  }
  console.log(`| total | ${median(results.map((r) => r.ours.total)).toFixed(1)} | ${median(results.map((r) => r.article!.total)).toFixed(1)} |`);
  console.log(`total ratio (ours / article): median ${median(ratios).toFixed(2)}× (runs ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×)`);
  console.log(`peak memory (RSS): ${Math.max(...results.map((r) => r.ours.peakRssMiB)).toFixed(0)} MiB (ours, highest run), article ${Math.max(...results.map((r) => r.article!.peakRssMiB)).toFixed(0)} MiB`);
  const inertia = results[0];
  console.log(`inertia: ours ${inertia.ours.inertia.toFixed(1)}, article ${inertia.article!.inertia.toFixed(1)}, ours ${((inertia.ours.inertia / inertia.article!.inertia - 1) * 100).toFixed(2)}%`);
}

/** A python3 that can import pandas and scikit-learn: Debian's first (a pyenv python3 on PATH may lack them). */
function findPython(): string | null {
  for (const candidate of ["/usr/bin/python3", "python3"]) {
    const probe = spawnSync(candidate, ["-c", "import pandas, sklearn"], { stdio: "ignore" });
    if (probe.status === 0) return candidate;
  }
  return null;
}

async function runArticlePipeline(file: string, k: number) {
  const python = findPython();
  if (python === null) return null;
  const work = await fs.mkdtemp(path.join(os.tmpdir(), "bench-article-"));
  try {
    const script = path.resolve("scripts/article-pipeline.py");
    const run = spawnSync(python, [script, file, String(k), String(DEFAULT_SEED), path.join(work, "clustered.csv")], {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    });
    if (run.status !== 0) throw new Error(`the article's pipeline failed:\n${run.stderr}`);
    const result = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as {
      rows: number; seconds: { read: number; cluster: number; write: number }; total: number; inertia: number;
      peakRssMiB: number;
    };
    return { ...result, python };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

// npm run bench:api -- [--catalog <tracks.csv[.gz]>] [--seconds 15] [--connections 50]
//                      [--page-seconds 15] [--page-connections 10] [--sweep 1,4,10] [--k 8]
//                      [--soak-minutes N] [--database-url <url of an already seeded database>]
//
// Load test of the HTTP API and the signed-in page, on this machine only (127.0.0.1):
// seeds a throw-away database (on DATABASE_URL's server, or the embedded one), starts the
// whole stack (scripts/stack.ts: `next start` + the fake Spotify) on free ports, drives
//   (a) POST /api/recommendations with realistic bodies (20–50 liked ids), and
//   (b) GET /recommendations with a session cookie obtained through the OAuth flow,
// with autocannon for a bounded time each, and prints throughput, p50/p95/p99 latency and
// errors. Two routes in the same run are the yardstick (absolute figures on a shared machine
// are noisy): GET /api/auth/providers, a constant JSON with no database, and GET /api/health
// (two one-row queries); the summary prints the API's throughput as a ratio of each. Then it
// prints EXPLAIN (ANALYZE, BUFFERS) of the SQL one request runs, stops everything and drops
// the database. With --database-url it uses that database's catalog as it is instead (no seed,
// not dropped): the same catalog for runs of two versions of the code, without a re-seed each.
import { seededRandom } from "../lib/random";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { matchKey } from "../lib/catalog/parse";
import { seedCatalog } from "../lib/catalog/seed";
import { createDb } from "../lib/db/client";
import { freePort } from "../lib/net/free-port";
import { databaseUrl, dropDatabase, ensureDatabase, openDatabase } from "../lib/db/database";
import { PrismaClient } from "../lib/db/generated/client";
import { applyMigrations, readMigrations } from "../lib/db/migrate";
import { recommendationRequestSchema } from "../lib/recommend/request";
import { recommend } from "../lib/recommend/service";
import { buildIfStale, SAMPLE_CATALOG, SAMPLE_LIBRARY, startStack, type Stack } from "./stack";

const { values } = parseArgs({
  options: {
    catalog: { type: "string" },
    seconds: { type: "string", default: "15" },
    connections: { type: "string", default: "50" },
    "page-seconds": { type: "string" },
    "page-connections": { type: "string", default: "10" },
    k: { type: "string", default: "8" },
    sweep: { type: "string", default: "1,4,10" },
    "soak-minutes": { type: "string", default: "0" },
    "database-url": { type: "string" },
  },
});

// autocannon ships no type declarations: the part of its programmatic API used here.
interface AutocannonRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: "response", listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void): void;
}
const autocannon = createRequire(import.meta.url)("autocannon") as (options: {
  url: string;
  connections: number;
  duration: number;
  timeout: number;
  requests: AutocannonRequest[];
}) => AutocannonInstance;

const SHARED_CATALOG = path.resolve("../shared/data/tracks.csv.gz");
const seconds = positive("seconds", values.seconds!);
const connections = positive("connections", values.connections!);
const pageSeconds = values["page-seconds"] ? positive("page-seconds", values["page-seconds"]) : seconds;
const pageConnections = positive("page-connections", values["page-connections"]!);
const k = positive("k", values.k!);
// Short extra API runs at lower concurrency, to show where p95 crosses 50 ms ("" to skip).
const sweep = values.sweep!.split(",").filter(Boolean).map((n) => positive("sweep", n.trim()));
// Optional last phase: API and page together for this long, watching the server's memory.
const soakMinutes = Number(values["soak-minutes"]);
if (!Number.isInteger(soakMinutes) || soakMinutes < 0) {
  console.error(`--soak-minutes must be a whole number of minutes (got ${values["soak-minutes"]})`);
  process.exit(2);
}
// Everything is bounded: seed (~1 min for 586k rows), build, two runs, EXPLAINs, the soak.
const WATCHDOG_MS = (15 * 60 + 2 * Math.max(seconds, pageSeconds) + soakMinutes * 60) * 1000;

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a positive integer (got ${text})`);
    process.exit(2);
  }
  return value;
}

function pickCatalog(): { file: string; why: string } {
  if (values.catalog) return { file: path.resolve(values.catalog), why: "--catalog" };
  if (fs.existsSync(SHARED_CATALOG)) return { file: SHARED_CATALOG, why: "the shared full catalog" };
  return { file: SAMPLE_CATALOG, why: `the bundled sample (${path.relative(process.cwd(), SHARED_CATALOG)} not found)` };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
/** Seconds of load (10 connections) before each route is measured, so that it is measured warm. */
const WARM_UP_SECONDS = 3;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

interface LoadFigures {
  name: string;
  connections: number;
  seconds: number;
  requests: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statuses: Record<string, number>;
  /** CPU time of the `next start` process per response (user + system): less noisy than req/s on a shared machine. */
  serverCpuPerRequest: number;
}

/** One bounded autocannon run; latencies recorded per response for exact p50/p95/p99. */
async function load(
  name: string,
  options: { url: string; connections: number; seconds: number; requests: AutocannonRequest[]; serverPid?: number },
): Promise<LoadFigures> {
  const latencies: number[] = [];
  const cpuBefore = options.serverPid ? cpuMs(options.serverPid) : Number.NaN;
  const statuses: Record<string, number> = {};
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    timeout: 10,
    requests: options.requests,
  });
  instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const serverCpuMs = options.serverPid ? cpuMs(options.serverPid) - cpuBefore : Number.NaN;
  const figures: LoadFigures = {
    name,
    connections: options.connections,
    seconds: options.seconds,
    requests: latencies.length,
    throughput: latencies.length / (result.duration || options.seconds),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statuses,
    serverCpuPerRequest: serverCpuMs / Math.max(1, latencies.length),
  };
  console.log(
    `${name}: ${figures.requests} requests in ${(result.duration || options.seconds).toFixed(1)} s, ` +
      `${figures.throughput.toFixed(0)} req/s; p50 ${ms(figures.p50)}, p95 ${ms(figures.p95)}, p99 ${ms(figures.p99)}, ` +
      `max ${ms(figures.max)}; errors ${figures.errors}, timeouts ${figures.timeouts}, non-2xx ${figures.non2xx} ` +
      `(statuses ${JSON.stringify(statuses)})`,
  );
  return figures;
}

/**
 * Waits until the server has worked off requests still queued from the last run (autocannon
 * stops sending at the deadline, but the server finishes what it accepted): until a health
 * check answers within 100 ms, at most 60 s.
 */
async function drain(appUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const started = performance.now();
    await fetch(`${appUrl}/api/health`).then((r) => r.arrayBuffer()).catch(() => {});
    if (performance.now() - started < 100) return;
  }
}

/** A minimal cookie jar for the OAuth dance with fetch. */
class CookieJar {
  private cookies = new Map<string, string>();
  take(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
  has(name: string): boolean {
    return this.cookies.has(name);
  }
}

/**
 * Signs in as the fake's auto-approved user the way a browser would, with fetch:
 * csrf token, POST /api/auth/signin/spotify, the fake's /authorize (auto-approves),
 * the callback. Returns the Cookie header holding the session.
 */
async function signIn(appUrl: string, fakeUrl: string, userId: string): Promise<string> {
  const control = await fetch(`${fakeUrl}/__control/auto-approve`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ userId }),
  });
  if (!control.ok) throw new Error(`auto-approve: ${control.status}`);

  const jar = new CookieJar();
  const csrfResponse = await fetch(`${appUrl}/api/auth/csrf`);
  jar.take(csrfResponse);
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken: string };

  const signin = await fetch(`${appUrl}/api/auth/signin/spotify`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: jar.header() },
    body: new URLSearchParams({ csrfToken, callbackUrl: `${appUrl}/recommendations`, json: "true" }),
  });
  jar.take(signin);
  const authorizeUrl = signin.status === 200 ? ((await signin.json()) as { url: string }).url : signin.headers.get("location");
  if (!authorizeUrl?.startsWith(fakeUrl)) throw new Error(`sign-in did not lead to the fake's /authorize: ${signin.status} ${authorizeUrl}`);

  const authorize = await fetch(authorizeUrl, { redirect: "manual" });
  const callbackUrl = authorize.headers.get("location");
  if (authorize.status !== 302 && authorize.status !== 303) throw new Error(`/authorize answered ${authorize.status} (auto-approve off?)`);
  if (!callbackUrl?.startsWith(`${appUrl}/api/auth/callback/spotify`)) throw new Error(`unexpected redirect ${callbackUrl}`);

  const callback = await fetch(callbackUrl, { redirect: "manual", headers: { Cookie: jar.header() } });
  jar.take(callback);
  if (!jar.has("next-auth.session-token")) {
    throw new Error(`no session cookie after the callback (${callback.status} → ${callback.headers.get("location")})`);
  }
  return jar.header();
}

/** Liked-song id lists for the API: the demo library for the sample, catalog draws with a taste otherwise. */
async function requestBodies(client: pg.Client, count: number): Promise<{ bodies: string[]; source: string }> {
  const random = seededRandom(7);
  const demoIds = (JSON.parse(fs.readFileSync(SAMPLE_LIBRARY, "utf8")) as { savedTracks: { id: string | null }[] }).savedTracks
    .flatMap((t) => (t.id ? [t.id] : []));
  const inCatalog = (await client.query<{ id: string }>(`SELECT id FROM track WHERE id = ANY($1)`, [demoIds])).rows.map((r) => r.id);
  const size = () => 20 + Math.floor(random() * 31); // 20–50 liked ids
  if (inCatalog.length >= 50) {
    const bodies = Array.from({ length: count }, () => JSON.stringify({ trackIds: shuffled(demoIds, random).slice(0, size()) }));
    return { bodies, source: `random 20–50 of the demo library's ${demoIds.length} liked songs (${inCatalog.length} in the catalog)` };
  }
  // A "user" likes songs mostly from one cluster (60 %), the rest anywhere in the catalog.
  const clusters = (await client.query<{ id: number }>(`SELECT id FROM cluster ORDER BY id`)).rows.map((r) => r.id);
  const pool = new Map<number, string[]>();
  for (const id of clusters) {
    const rows = await client.query<{ id: string }>(`SELECT id FROM track WHERE cluster_id = $1 ORDER BY md5(id) LIMIT 400`, [id]);
    pool.set(id, rows.rows.map((r) => r.id));
  }
  const anywhere = (await client.query<{ id: string }>(`SELECT id FROM track TABLESAMPLE SYSTEM (2) REPEATABLE (7) LIMIT 4000`)).rows.map((r) => r.id);
  const bodies = Array.from({ length: count }, () => {
    const n = size();
    const favourite = pool.get(clusters[Math.floor(random() * clusters.length)])!;
    const liked = [...shuffled(favourite, random).slice(0, Math.ceil(n * 0.6)), ...shuffled(anywhere, random).slice(0, n - Math.ceil(n * 0.6))];
    return JSON.stringify({ trackIds: shuffled(liked, random) });
  });
  return { bodies, source: "20–50 catalog ids per request, 60 % from one cluster, 40 % from anywhere" };
}

/** When the demo library is not in this catalog, like catalog songs as demo so the page has a cluster to show. */
async function giveDemoCatalogSongs(client: pg.Client, fakeUrl: string): Promise<string> {
  const demoIds = (JSON.parse(fs.readFileSync(SAMPLE_LIBRARY, "utf8")) as { savedTracks: { id: string | null }[] }).savedTracks
    .flatMap((t) => (t.id ? [t.id] : []));
  const found = (await client.query(`SELECT 1 FROM track WHERE id = ANY($1)`, [demoIds])).rowCount ?? 0;
  if (found >= 20) return `the demo library as shipped (${found} of ${demoIds.length} songs in the catalog)`;
  const rows = (
    await client.query<{ id: string; name: string; artists: string[] }>(
      `(SELECT id, name, artists FROM track WHERE cluster_id = (SELECT id FROM cluster ORDER BY size DESC LIMIT 1) ORDER BY md5(id) LIMIT 90)
       UNION ALL (SELECT id, name, artists FROM track TABLESAMPLE SYSTEM (1) REPEATABLE (3) LIMIT 60)`,
    )
  ).rows;
  const response = await fetch(`${fakeUrl}/__control/users/demo/saved-tracks`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ tracks: rows.map((r) => ({ id: r.id, name: r.name, artists: r.artists })) }),
  });
  if (!response.ok) throw new Error(`saved-tracks: ${response.status} ${await response.text()}`);
  return `the demo library plus ${rows.length} catalog songs liked for the run (${found} of the shipped ones are in this catalog)`;
}

interface CapturedQuery {
  sql: string;
  params: unknown[];
  durationMs: number;
}

/** A query's shape: its SQL with parameter lists collapsed, so runs with different id counts group together. */
const shapeOf = (sql: string) => sql.replace(/\$\d+(,\s*\$\d+)*/g, "$n");

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Runs recommendations in this process with Prisma's query log on, to get the SQL and
 * parameters the API sends (same library code as the route), then times each statement
 * through Prisma and through plain pg and EXPLAINs it: where one request's time goes.
 */
async function explainRequestSql(url: string, apiBodies: string[], client: pg.Client): Promise<string[]> {
  const captured: CapturedQuery[] = [];
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, max: 2 }),
    log: [{ emit: "event", level: "query" }],
  });
  prisma.$on("query", (event) => {
    captured.push({ sql: event.query, params: JSON.parse(event.params) as unknown[], durationMs: event.duration });
  });
  const lines: string[] = [];
  try {
    const requests = apiBodies.slice(0, 20).map((body) => recommendationRequestSchema.parse(JSON.parse(body)));
    for (const request of requests) await recommend(prisma, request); // warm: plan caches, pool, JIT
    captured.length = 0;
    const totals: number[] = [];
    for (const request of requests) {
      const started = performance.now();
      await recommend(prisma, request);
      totals.push(performance.now() - started);
    }
    const apiQueries = [...captured];

    // The page also matches liked songs whose id is not in the catalog by title + artist.
    const byNameRows = await client.query<{ name: string; primary_artist: string }>(
      `SELECT name, primary_artist FROM track ORDER BY md5(id) LIMIT 10`,
    );
    const byName = byNameRows.rows.map((r, i) => ({ id: `${"0".repeat(20)}${String(i).padStart(2, "0")}`, matchKey: matchKey(r.name, r.primary_artist) }));
    captured.length = 0;
    await recommend(prisma, { ...requests[0], trackIds: [...requests[0].trackIds, ...byName.map((b) => b.id)], byName });
    const pageQueries = captured.filter((q) => !apiQueries.some((a) => shapeOf(a.sql) === shapeOf(q.sql)));

    const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
    const perRequestQueries = apiQueries.reduce((s, q) => s + q.durationMs, 0) / requests.length;
    lines.push(
      `recommend() in-process (no HTTP), ${requests.length} of the run's bodies, one at a time: mean ${ms(mean(totals))}, ` +
        `median ${ms(median(totals))}; ${(apiQueries.length / requests.length).toFixed(1)} queries per request taking ${ms(perRequestQueries)} ` +
        `(Prisma's timing: this client has no pool to share, so the hot query goes through $queryRawUnsafe here); ` +
        `the remaining ${ms(mean(totals) - perRequestQueries)} is JS (scaling, ranking) and result mapping.`,
      "",
      "| query (per API request unless noted) | rows | through Prisma | plain pg, same SQL | EXPLAIN execution |",
      "|---|---:|---:|---:|---:|",
    );
    const details: string[] = [];
    const shapes = new Map<string, { label: string; example: CapturedQuery; prismaMs: number[] }>();
    const label = (sql: string) =>
      sql.includes("LEFT JOIN track t ON t.id = ANY") ? "catalog version + tracks by liked ids (the one query of a warm request)"
      : sql.includes('FROM "public"."cluster"') ? "clusters (readCatalogInfo)"
      : sql.includes('FROM "public"."catalog_model"') ? "catalog_model (readCatalogInfo)"
      : sql.includes('"match_key" IN') ? "tracks by match_key (page only, ids not in the catalog; 1 cold call)"
      : sql.includes('"cluster_id" =') ? "top tracks in cluster by popularity"
      : sql.includes('"id" IN') ? "tracks by liked ids"
      : sql.slice(0, 40);
    for (const query of [...apiQueries, ...pageQueries]) {
      // The candidate query is told apart by its pool size (LIMIT): 1,500, then widened ×4 when too few songs survive.
      const pool = query.sql.includes('"cluster_id" =') ? String(query.params.at(-2)) : "";
      const key = `${shapeOf(query.sql)}|${pool}`;
      const entry = shapes.get(key) ?? { label: `${label(query.sql)}${pool ? ` (LIMIT ${pool})` : ""}`, example: query, prismaMs: [] };
      entry.prismaMs.push(query.durationMs);
      shapes.set(key, entry);
    }
    for (const { label: name, example, prismaMs } of shapes.values()) {
      const rawMs: number[] = [];
      let rows = 0;
      for (let i = 0; i < 12; i++) {
        const started = performance.now();
        rows = (await client.query(example.sql, example.params)).rowCount ?? 0;
        if (i >= 2) rawMs.push(performance.now() - started);
      }
      const plan = (await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${example.sql}`, example.params)).rows.map((r) => r["QUERY PLAN"]);
      const execution = plan.find((l) => l.startsWith("Execution Time"))?.replace("Execution Time: ", "") ?? "?";
      const calls = name.startsWith("tracks by match_key") ? "" : ` ×${(prismaMs.length / requests.length).toFixed(1)}`;
      lines.push(`| ${name}${calls} | ${rows} | ${ms(median(prismaMs))} | ${ms(median(rawMs))} | ${execution} |`);
      const shownParams = JSON.stringify(example.params, (_k, v) => (typeof v === "string" && v.length > 30 ? `${v.slice(0, 30)}…` : v));
      details.push("", `${name}:`, "```sql", shortSql(example.sql), `-- params: ${shownParams.length > 160 ? `${shownParams.slice(0, 160)}…` : shownParams}`, "```", "```");
      details.push(...plan.map((l) => (l.length > 220 ? `${l.slice(0, 220)}…` : l)), "```");
    }
    lines.push(...details);
  } finally {
    await prisma.$disconnect();
  }
  return lines;
}

/** Prisma's SQL with the long select list and IN lists cut down, for the report. */
function shortSql(sql: string): string {
  return sql
    .replace(/SELECT (.{80})[^]*? FROM/, "SELECT $1… FROM")
    .replace(/\$(\d+)(,\s*\$\d+){3,}/g, (m, first) => `$${first}, … $${m.split(",").length + Number(first) - 1}`);
}

/** One row of the markdown table the summary prints. */
function tableRow(f: LoadFigures): string {
  return `| ${f.name} | ${f.connections} | ${f.seconds} | ${f.requests} | ${f.throughput.toFixed(0)} | ${ms(f.p50)} | ${ms(f.p95)} | ${ms(f.p99)} | ${ms(f.max)} | ${f.errors}${f.timeouts ? ` (${f.timeouts} timeouts)` : ""} | ${f.non2xx} | ${ms(f.serverCpuPerRequest)} |`;
}

/** CPU time (user + system) a process has used so far, in ms (Linux; NaN elsewhere). */
function cpuMs(pid: number): number {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, after the command name in parentheses, in clock ticks (100 per second).
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Resident memory of a process, in MiB (Linux). */
function rssMiB(pid: number): number {
  const kib = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kib) / 1024;
}

/**
 * API (10 connections) and signed-in page (5) together for --soak-minutes, sampling the
 * server's RSS every 15 s: memory that keeps growing after warm-up would be a leak.
 */
async function soak(stack: Stack, apiRequests: AutocannonRequest[], cookie: string): Promise<void> {
  const seconds = soakMinutes * 60;
  console.log(`\nSoak: API at 10 connections and the page at 5, together, for ${soakMinutes} min`);
  const samples: { at: number; rss: number }[] = [];
  const started = performance.now();
  const sample = () => samples.push({ at: (performance.now() - started) / 1000, rss: rssMiB(stack.serverPid) });
  sample();
  const timer = setInterval(sample, 15_000);
  const [api, page] = await Promise.all([
    load("soak: POST /api/recommendations", { url: stack.appUrl, connections: 10, seconds, requests: apiRequests }),
    load("soak: GET /recommendations", { url: stack.appUrl, connections: 5, seconds, requests: [{ method: "GET", path: "/recommendations", headers: { cookie } }] }),
  ]);
  clearInterval(timer);
  sample();
  for (const f of [api, page]) {
    console.log(tableRow(f));
  }
  // Growth over the second half, after caches and JIT have warmed up.
  const half = samples.filter((s) => s.at >= seconds / 2);
  const slope = half.length > 1 ? ((half.at(-1)!.rss - half[0].rss) / (half.at(-1)!.at - half[0].at)) * 60 : Number.NaN;
  const rss = samples.map((s) => s.rss);
  console.log(
    `server RSS: ${rss[0].toFixed(0)} MiB at the start, ${Math.max(...rss).toFixed(0)} MiB at most, ${rss.at(-1)!.toFixed(0)} MiB at the end; ` +
      `${slope.toFixed(1)} MiB/min over the second half (${samples.length} samples: ${rss.map((r) => r.toFixed(0)).join(" ")})`,
  );
}

async function main() {
  const given = values["database-url"];
  const { file, why } = pickCatalog();
  console.log(given ? `catalog: the one seeded in --database-url` : `catalog: ${path.relative(process.cwd(), file) || file} (${why})`);
  const log = (line: string) => console.log(`  [stack] ${line}`);
  buildIfStale(log);

  const server = given ? { url: given, close: async () => {} } : await openDatabase();
  const adminUrl = databaseUrl(server.url, "postgres");
  const name = given ? "" : `bench_api_${randomBytes(4).toString("hex")}`;
  const url = given ?? databaseUrl(adminUrl, name);
  const dropOwnDatabase = () => (given ? Promise.resolve() : dropDatabase(adminUrl, name));
  let stack: Stack | null = null;
  const client = new pg.Client({ connectionString: url });
  const watchdog = setTimeout(() => {
    console.error(`bench:api took longer than ${WATCHDOG_MS / 60_000} min: giving up`);
    void stack?.stop().finally(() => dropOwnDatabase().finally(() => process.exit(1)));
  }, WATCHDOG_MS);
  try {
    if (!given) {
      await ensureDatabase(adminUrl, name);
      await applyMigrations(url, await readMigrations());
      const db = createDb(url, { max: 4 });
      const seedStarted = performance.now();
      try {
        const summary = await seedCatalog(db, { file, k });
        console.log(`seeded ${summary.tracksKept.toLocaleString("en-US")} tracks in ${summary.k} clusters in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
      } finally {
        await db.$disconnect();
      }
    }
    await client.connect();
    const tracks = (await client.query<{ n: string }>(`SELECT count(*) AS n FROM track`)).rows[0].n;
    console.log(`catalog in the database: ${Number(tracks).toLocaleString("en-US")} tracks`);

    const [appPort, fakePort] = [await freePort(), await freePort()];
    stack = await startStack({ database: { url, close: async () => {} }, port: appPort, fakeSpotify: { port: fakePort }, log });
    const appUrl = stack.appUrl;
    const fakeUrl = stack.fake!.url;

    // (a) the API
    const { bodies, source } = await requestBodies(client, 64);
    console.log(`API bodies: ${bodies.length} distinct, ${source}`);
    let dominantFound = 0;
    for (const body of bodies) {
      const response = await fetch(`${appUrl}/api/recommendations`, { method: "POST", headers: { "Content-Type": "application/json" }, body });
      if (response.status !== 200) throw new Error(`warm-up request answered ${response.status}: ${await response.text()}`);
      const result = (await response.json()) as { dominant: unknown; recommendations: unknown[] };
      if (result.dominant && result.recommendations.length > 0) dominantFound++;
    }
    console.log(`warm-up: every body answered 200; ${dominantFound}/${bodies.length} with a dominant cluster and recommendations`);
    const apiRequests = bodies.map((body) => ({ method: "POST", path: "/api/recommendations", headers: { "content-type": "application/json" }, body }));
    // Every route is measured warm: V8 compiles a function with its optimizing tier only after
    // thousands of calls, and a server in service has long been past that. 64 requests are not.
    const warmUp = async (requests: AutocannonRequest[]) => {
      const warm = await load("warm-up (not reported)", { url: appUrl, connections: 10, seconds: WARM_UP_SECONDS, requests });
      // A route that fails while warming would be measured failing: stop here instead.
      if (warm.non2xx > 0 || warm.errors > 0) throw new Error(`warm-up of ${requests[0].path}: ${warm.non2xx} non-2xx answers, ${warm.errors} errors`);
      await drain(appUrl);
    };
    await warmUp(apiRequests);
    // Lower concurrencies first (short runs), then the target's; the server drains in between.
    const sweepRuns: LoadFigures[] = [];
    for (const n of sweep.filter((n) => n < connections)) {
      sweepRuns.push(await load(`POST /api/recommendations`, { url: appUrl, connections: n, seconds: Math.min(seconds, 5), requests: apiRequests, serverPid: stack.serverPid }));
      await drain(appUrl);
    }
    const api = await load("POST /api/recommendations", { url: appUrl, connections, seconds, requests: apiRequests, serverPid: stack.serverPid });
    await drain(appUrl);

    // Baselines, to separate the framework's cost from ours: a constant route (next-auth's
    // provider list: no database), and the cheapest route that reads the database (two one-row queries).
    await warmUp([{ method: "GET", path: "/api/auth/providers" }]);
    const constant = await load("GET /api/auth/providers (constant baseline)", {
      url: appUrl,
      connections,
      seconds: Math.min(seconds, 10),
      requests: [{ method: "GET", path: "/api/auth/providers" }], serverPid: stack.serverPid,
    });
    await drain(appUrl);
    await warmUp([{ method: "GET", path: "/api/health" }]);
    const health = await load("GET /api/health (baseline)", {
      url: appUrl,
      connections,
      seconds: Math.min(seconds, 10),
      requests: [{ method: "GET", path: "/api/health" }], serverPid: stack.serverPid,
    });
    await drain(appUrl);

    // (b) the signed-in page
    const library = await giveDemoCatalogSongs(client, fakeUrl);
    console.log(`page user: demo, ${library}`);
    const cookie = await signIn(appUrl, fakeUrl, "demo");
    const first = performance.now();
    const firstPage = await fetch(`${appUrl}/recommendations`, { headers: { Cookie: cookie }, redirect: "manual" });
    const html = await firstPage.text();
    const firstMs = performance.now() - first;
    if (firstPage.status !== 200 || !html.includes('data-testid="dominant-label"')) {
      throw new Error(`GET /recommendations: ${firstPage.status} without recommendations (${html.slice(0, 200)})`);
    }
    console.log(`first GET /recommendations (full library sync): ${ms(firstMs)}; page HTML ${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB`);
    await drain(appUrl);
    await fetch(`${fakeUrl}/__control/requests`, { method: "DELETE" });
    const page = await load("GET /recommendations (signed in)", {
      url: appUrl,
      connections: pageConnections,
      seconds: pageSeconds,
      requests: [{ method: "GET", path: "/recommendations", headers: { cookie } }], serverPid: stack.serverPid,
    });
    const spotifyCalls = (await (await fetch(`${fakeUrl}/__control/requests`)).json()) as { path: string }[];
    console.log(`  fake Spotify calls during the page run: ${spotifyCalls.length} (${(spotifyCalls.length / Math.max(1, page.requests)).toFixed(2)} per page view)`);

    console.log("\nSummary");
    console.log("| run | connections | seconds | requests | req/s | p50 | p95 | p99 | max | errors | non-2xx | server CPU per request |");
    console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const f of [...sweepRuns, api, constant, health, page]) {
      console.log(tableRow(f));
    }
    const ratio = (baseline: LoadFigures) => (api.throughput / baseline.throughput).toFixed(2);
    console.log(
      `API at ${connections} connections: ${api.throughput.toFixed(0)} req/s, ${ratio(constant)}× the constant route ` +
        `(${constant.throughput.toFixed(0)} req/s), ${ratio(health)}× /api/health (${health.throughput.toFixed(0)} req/s); ` +
        `errors ${api.errors} (${api.timeouts} timeouts), non-2xx ${api.non2xx}` +
        (sweepRuns[0]?.connections === 1 ? `; p50 at 1 connection ${ms(sweepRuns[0].p50)}` : ""),
    );
    console.log(
      `server CPU per request: API ${ms(api.serverCpuPerRequest)}, constant route ${ms(constant.serverCpuPerRequest)}, ` +
        `/api/health ${ms(health.serverCpuPerRequest)} (the API's own work: ${ms(api.serverCpuPerRequest - constant.serverCpuPerRequest)})`,
    );
    const ratioTarget = api.throughput >= 0.6 * constant.throughput && api.errors + api.non2xx === 0;
    console.log(`target (API ≥ 0.6× the constant route at ${connections} connections, no errors): ${ratioTarget ? "met" : "MISSED"}`);
    const target = api.p95 < 50 && api.errors + api.non2xx === 0;
    console.log(`target (API p95 < 50 ms at ${connections} connections, no errors): ${target ? "met" : "MISSED"}`);

    console.log("\nSQL per request (after the load, with the run's bodies; EXPLAIN (ANALYZE, BUFFERS) of one each):");
    for (const line of await explainRequestSql(url, bodies, client)) console.log(line);

    if (soakMinutes > 0) await soak(stack, apiRequests, cookie);
  } finally {
    clearTimeout(watchdog);
    await client.end().catch(() => {});
    await stack?.stop();
    await dropOwnDatabase();
    await server.close();
  }
}

await main();

// DATABASE_URL=… npx tsx scripts/profile-recommend.ts [--requests 2000] [--profile out.cpuprofile] [--dump results.json]
//
// Where one recommendation request's time goes, without HTTP: runs recommend() on a seeded
// database (DATABASE_URL) with bodies like bench:api's (20–50 liked ids, 60 % from one
// cluster), one at a time after a warm-up, and prints the mean time per request. With
// --profile it records a V8 CPU profile of the timed requests and prints the functions with the
// most self time, grouped by where they come from (our code, Prisma, pg, node). --dump writes the
// results of 200 requests (exact, unrounded) to compare two versions of the code.
import fs from "node:fs";
import inspector from "node:inspector/promises";
import { parseArgs } from "node:util";
import pg from "pg";
import { createDb } from "../lib/db/client";
import { seededRandom } from "../lib/random";
import { recommendationRequestSchema } from "../lib/recommend/request";
import { recommend, type RecommendationRequest } from "../lib/recommend/service";

const { values } = parseArgs({
  options: { requests: { type: "string", default: "2000" }, profile: { type: "string" }, dump: { type: "string" } },
});
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("set DATABASE_URL to a seeded database");
  process.exit(2);
}
const count = Number(values.requests);

async function bodies(n: number) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const random = seededRandom(7);
    const clusters = (await client.query<{ id: number }>(`SELECT id FROM cluster ORDER BY id`)).rows.map((r) => r.id);
    const byCluster = new Map<number, string[]>();
    for (const id of clusters) {
      byCluster.set(id, (await client.query<{ id: string }>(`SELECT id FROM track WHERE cluster_id = $1 ORDER BY md5(id) LIMIT 400`, [id])).rows.map((r) => r.id));
    }
    const anywhere = (await client.query<{ id: string }>(`SELECT id FROM track ORDER BY md5(id) LIMIT 4000`)).rows.map((r) => r.id);
    const pick = (from: string[], k: number) => Array.from({ length: k }, () => from[Math.floor(random() * from.length)]);
    return Array.from({ length: n }, () => {
      const size = 20 + Math.floor(random() * 31);
      const favourite = byCluster.get(clusters[Math.floor(random() * clusters.length)])!;
      const trackIds = [...new Set([...pick(favourite, Math.ceil(size * 0.6)), ...pick(anywhere, size - Math.ceil(size * 0.6))])];
      return recommendationRequestSchema.parse({ trackIds });
    });
  } finally {
    await client.end();
  }
}

const db = createDb(url, { max: 4 });
if (values.dump) {
  const results = [];
  for (const [i, request] of (await bodies(200)).entries()) {
    // Every other request with the options that change the path: mix mode, a floor, exclusions.
    const varied: RecommendationRequest = i % 2 === 0 ? request : {
      ...request, mode: "mix" as const, minPopularity: (i * 7) % 60, allowExplicit: i % 3 !== 0, maxPerArtist: 1 + (i % 3),
      excludeIds: request.trackIds.slice(0, 2),
    };
    // Long lists: pools larger than the default 1,500 (20 candidates per slot), in both modes.
    if (i % 10 === 3 || i % 10 === 4) varied.limit = 80 + (i % 21);
    if (i % 4 === 1) {
      // Leave out the artists of the first two songs it would recommend, one of them in upper case.
      const first = (await recommend(db, varied)).recommendations.slice(0, 2).map((r) => r.track.primaryArtist);
      varied.excludeArtists = first.map((name, n) => (n === 0 ? name.toUpperCase() : name));
    }
    results.push(await recommend(db, varied));
  }
  fs.writeFileSync(values.dump, JSON.stringify(results, null, 1));
  console.log(`${results.length} results written to ${values.dump}`);
}
const requests = await bodies(64);
for (const request of requests) await recommend(db, request); // warm: pools, caches, JIT

const session = new inspector.Session();
if (values.profile) {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
}
const started = performance.now();
const cpuStarted = process.cpuUsage();
for (let i = 0; i < count; i++) await recommend(db, requests[i % requests.length]);
const wallMs = (performance.now() - started) / count;
const cpu = process.cpuUsage(cpuStarted);
console.log(
  `recommend(): ${count} requests one at a time, ${wallMs.toFixed(2)} ms wall and ` +
    `${((cpu.user + cpu.system) / 1000 / count).toFixed(2)} ms of this process's CPU per request`,
);

if (values.profile) {
  const { profile } = await session.post("Profiler.stop");
  fs.writeFileSync(values.profile, JSON.stringify(profile));
  type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number };
  const nodes = new Map<number, Node>((profile.nodes as Node[]).map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => {
    const { callFrame } = nodes.get(id)!;
    const ms = (deltas[i] ?? 0) / 1000;
    const file = callFrame.url.replace(/^file:\/\//, "").replace(process.cwd() + "/", "");
    const origin =
      /@prisma|generated\/internal|prisma/.test(file) ? "prisma"
      : /node_modules\/pg/.test(file) ? "pg"
      : file.startsWith("lib/") ? "lib/"
      : file === "" ? `(${callFrame.functionName || "native"})`
      : file.startsWith("node:") ? "node"
      : file.split("/").slice(0, 2).join("/");
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + ms);
    const key = `${callFrame.functionName || "(anonymous)"} ${file}:${callFrame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + ms);
  });
  const total = [...byOrigin.values()].reduce((a, b) => a + b, 0);
  console.log(`\nself time by origin (ms per request, share of the profile):`);
  for (const [origin, ms] of [...byOrigin].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    console.log(`  ${(ms / count).toFixed(3).padStart(7)}  ${((ms / total) * 100).toFixed(1).padStart(5)} %  ${origin}`);
  }
  console.log(`\ntop functions by self time:`);
  for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`  ${(ms / count).toFixed(3).padStart(7)}  ${((ms / total) * 100).toFixed(1).padStart(5)} %  ${name}`);
  }
  console.log(`\nprofile written to ${values.profile} (open it in Chrome DevTools → Performance)`);
}
await db.$disconnect();

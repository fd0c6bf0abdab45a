// npm run bench:sync -- [--size 20000] [--latency-ms 50] [--rate-429 0.05] [--seed 1]
// Syncs a liked-songs library from the fake Spotify (its own process) into a throw-away
// database: a first (full) sync, then a second one after 25 new songs were liked.
// Each line also gives the floor that honouring Retry-After imposes on that sync
// (the union of the windows the client had to hold back for) and the sync's time
// over that floor.
// lib/spotify imports "server-only", so run with the react-server condition:
//   npx tsx --conditions=react-server scripts/bench-sync.ts
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import type { RequestLogEntry } from "../e2e/fake-spotify";
import { createDb } from "../lib/db/client";
import { databaseUrl, dropDatabase, ensureDatabase, openDatabase } from "../lib/db/database";
import { applyMigrations, readMigrations } from "../lib/db/migrate";

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "20000" },
    "latency-ms": { type: "string", default: "50" },
    "rate-429": { type: "string", default: "0.05" },
    seed: { type: "string", default: "1" },
  },
});
const size = Number(values.size);
const latencyMs = Number(values["latency-ms"]);
const rate429 = Number(values["rate-429"]);
const seed = Number(values.seed);
if (![size, latencyMs, rate429, seed].every(Number.isFinite) || size < 1 || rate429 < 0 || rate429 >= 1) {
  console.error("usage: npm run bench:sync -- [--size N>0] [--latency-ms N] [--rate-429 0..1) [--seed N]");
  process.exit(2);
}

// The fake Spotify runs in a process of its own, as Spotify does: in this one it
// would take CPU from the sync being measured (serialising 400 pages of JSON).
const USER_ID = "demo";
const fakeProcess = spawn(
  process.execPath,
  [path.resolve("node_modules/tsx/dist/cli.mjs"), "scripts/fake-spotify.ts", "--port", "0", "--library-size", String(size),
    "--latency-ms", String(latencyMs), "--rate-429", String(rate429), "--seed", String(seed)],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const fakeUrl = await new Promise<string>((resolve, reject) => {
  let output = "";
  fakeProcess.stdout!.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
    if (url) resolve(url);
  });
  fakeProcess.once("exit", (code) => reject(new Error(`the fake Spotify exited (${code}): ${output}`)));
});
async function control<T>(method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${fakeUrl}/__control${route}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`control ${method} ${route}: ${response.status}`);
  return response.json() as Promise<T>;
}

// Before lib/spotify reads its configuration (on first use).
Object.assign(process.env, {
  SPOTIFY_CLIENT_ID: "fake-client-id",
  SPOTIFY_CLIENT_SECRET: "fake-client-secret",
  SPOTIFY_ACCOUNTS_URL: `${fakeUrl}/accounts`,
  SPOTIFY_API_URL: `${fakeUrl}/v1`,
});
const { spotifyForUser } = await import("../lib/spotify/client");
const { syncLibrary } = await import("../lib/spotify/library");
const { saveTokens } = await import("../lib/spotify/tokens");
const { rateLimitHold } = await import("../lib/spotify/rate-limit");

const server = await openDatabase();
const adminUrl = databaseUrl(server.url, "postgres");
const name = `bench_sync_${randomBytes(4).toString("hex")}`;
await ensureDatabase(adminUrl, name);
const url = databaseUrl(adminUrl, name);
const db = createDb(url);

interface Row {
  sync: string;
  librarySize: number;
  seconds: number;
  /** CPU time of this process (the app's side) during the sync: what a busy machine stretches. */
  cpuSeconds: number;
  requests: number;
  rateLimited: number;
  /** Hold windows opened or extended by a 429, and the time they covered together. */
  windows: number;
  floorSeconds: number;
  stored: number;
}

async function timedSync(label: string): Promise<Row> {
  await control("DELETE", "/requests");
  const hold = rateLimitHold(db); // the hold the sync's requests go through
  const heldBefore = hold.holdStats();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await syncLibrary(db, spotifyForUser(db, USER_ID), USER_ID);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const heldAfter = hold.holdStats();
  const log = (await control<RequestLogEntry[]>("GET", "/requests")).filter((r) => r.path.startsWith("/v1/"));
  const stored = await db.savedTrack.count({ where: { userId: USER_ID } });
  return {
    sync: `${label} (${result.full ? "full" : "incremental"}, ${result.pagesFetched} pages)`,
    librarySize: result.total,
    seconds,
    requests: log.length,
    rateLimited: log.filter((r) => r.status === 429).length,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    windows: heldAfter.windows - heldBefore.windows,
    floorSeconds: (heldAfter.heldMs - heldBefore.heldMs) / 1000,
    stored,
  };
}

try {
  await applyMigrations(url, await readMigrations());
  await db.spotifyUser.create({ data: { id: USER_ID, displayName: "Bench" } });
  const tokens = await control<{ access_token: string; refresh_token: string; expires_in: number; scope: string }>("POST", "/tokens", { userId: USER_ID });
  await saveTokens(db, USER_ID, {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: new Date(Date.now() + tokens.expires_in * 1000),
    scope: tokens.scope,
  });

  const rows = [await timedSync("first")];
  await control("POST", `/users/${USER_ID}/saved-tracks`, { count: 25 });
  rows.push(await timedSync("second, after 25 new songs"));

  console.log("| sync | library size | latency | 429 rate | seconds | app CPU s | requests | 429s seen | hold windows | Retry-After floor | time / floor | songs stored |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    const ratio = r.floorSeconds > 0 ? `${(r.seconds / r.floorSeconds).toFixed(2)}×` : "— (no 429)";
    const line = [
      r.sync, r.librarySize.toLocaleString("en-US"), `${latencyMs} ms`, `${(rate429 * 100).toFixed(1)}%`, r.seconds.toFixed(2), r.cpuSeconds.toFixed(2),
      r.requests, r.rateLimited, r.windows, `${r.floorSeconds.toFixed(2)} s`, ratio, r.stored.toLocaleString("en-US"),
    ];
    console.log(`| ${line.join(" | ")} |`);
  }
} finally {
  await db.$disconnect();
  await dropDatabase(adminUrl, name);
  await server.close();
  fakeProcess.kill("SIGTERM");
}

// npm run bench:sync -- [--size 20000] [--latency-ms 50] [--rate-429 0.05] [--seed 1]
// Syncs a liked-songs library from the fake Spotify (in process) into a throw-away
// database: a first (full) sync, then a second one after 25 new songs were liked.
// lib/spotify imports "server-only", so run with the react-server condition:
//   npx tsx --conditions=react-server scripts/bench-sync.ts
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { startFakeSpotify, type RequestLogEntry } from "../e2e/fake-spotify";
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

const USER_ID = "bench";
const fake = await startFakeSpotify({
  port: 0,
  seed,
  users: [{ id: USER_ID, displayName: "Bench", savedTracks: [], librarySize: size }],
  faults: { latencyMs, rate429 },
});
// Before lib/spotify reads its configuration (on first use).
Object.assign(process.env, {
  SPOTIFY_CLIENT_ID: "fake-client-id",
  SPOTIFY_CLIENT_SECRET: "fake-client-secret",
  SPOTIFY_ACCOUNTS_URL: fake.accountsUrl,
  SPOTIFY_API_URL: fake.apiUrl,
});
const { spotifyForUser } = await import("../lib/spotify/client");
const { syncLibrary } = await import("../lib/spotify/library");
const { saveTokens } = await import("../lib/spotify/tokens");

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
  requests: number;
  rateLimited: number;
  stored: number;
}

async function timedSync(label: string): Promise<Row> {
  fake.state.requestLog = [];
  const started = performance.now();
  const result = await syncLibrary(db, spotifyForUser(db, USER_ID), USER_ID);
  const seconds = (performance.now() - started) / 1000;
  const log: RequestLogEntry[] = fake.state.requestLog.filter((r) => r.path.startsWith("/v1/"));
  const stored = await db.savedTrack.count({ where: { userId: USER_ID } });
  return {
    sync: `${label} (${result.full ? "full" : "incremental"}, ${result.pagesFetched} pages)`,
    librarySize: result.total,
    seconds,
    requests: log.length,
    rateLimited: log.filter((r) => r.status === 429).length,
    stored,
  };
}

try {
  await applyMigrations(url, await readMigrations());
  await db.spotifyUser.create({ data: { id: USER_ID, displayName: "Bench" } });
  const tokens = fake.state.issueTokens("fake-client-id", USER_ID, ["user-library-read", "playlist-modify-private"]);
  await saveTokens(db, USER_ID, {
    accessToken: tokens.accessToken.token,
    refreshToken: tokens.refreshToken.token,
    expiresAt: new Date(tokens.accessToken.expiresAtMs),
    scope: tokens.accessToken.scopes.join(" "),
  });

  const rows = [await timedSync("first")];
  fake.state.prependSavedTracks(USER_ID, Array.from({ length: 25 }, () => ({})));
  rows.push(await timedSync("second, after 25 new songs"));

  console.log("| sync | library size | latency | 429 rate | seconds | requests | 429s seen | songs stored |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    const line = [r.sync, r.librarySize.toLocaleString("en-US"), `${latencyMs} ms`, `${(rate429 * 100).toFixed(1)}%`, r.seconds.toFixed(1), r.requests, r.rateLimited, r.stored.toLocaleString("en-US")];
    console.log(`| ${line.join(" | ")} |`);
  }
} finally {
  await db.$disconnect();
  await dropDatabase(adminUrl, name);
  await server.close();
  await fake.close();
}

/**
 * Integration tests of lib/spotify against the fake Spotify (e2e/fake-spotify, in
 * process) and a real, freshly migrated test database: library sync, retries and
 * rate limits, token refresh, playlist export, user isolation, the API contract
 * and token secrecy.
 *
 * spotifyConfig() reads SPOTIFY_* once, on its first call (not at import), so
 * beforeAll sets them to the fake's URLs before anything here talks to Spotify.
 */
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startFakeSpotify, type FakeSpotifyServer, type RequestLogEntry, type UserSeed } from "../../e2e/fake-spotify";
import { assertRequestMatchesSpec } from "../../e2e/fake-spotify/openapi";
import { deterministicSpotifyId } from "../../e2e/fake-spotify/random";
import { createDb, type Db } from "../db/client";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import type { Page, SavedTrack, SpotifyApi } from "@spotify/web-api-ts-sdk";
import { SpotifyApiError, spotifyForUser, type UserSpotify } from "./client";
import { exportPlaylist } from "./export";
import { SpotifyUnavailableError, type RetryPolicy } from "./http";
import { likedSongsFor, syncLibrary } from "./library";
import { openSecret } from "./secret-box";
import { accessTokenFor, saveTokens, SignInRequiredError } from "./tokens";
import { appSecret } from "../auth/secret";

/** Fast backoff and short timeouts; Retry-After is still honoured as Spotify sends it. */
const FAST: RetryPolicy = { retries: 6, maxRetryAfterMs: 3_000, backoffLimitMs: 50, timeoutMs: 2_000, budgetMs: 8_000 };

const local = (name: string, addedAt: string) => ({ id: null, isLocal: true, name, artists: ["Me"], durationMs: 180_000, addedAt });
const song = (key: string, addedAt: string) => ({
  id: deterministicSpotifyId(`test-song:${key}`),
  name: `Song ${key}`,
  artists: [`Artist ${key}`],
  durationMs: 200_000,
  addedAt,
});

const USERS: UserSeed[] = [
  {
    // The newest item and one on the first page after it are local files: both must be
    // counted once, and must not make every later visit a full sync.
    id: "alice",
    displayName: "Alice",
    savedTracks: [
      local("Voice memo", "2026-05-20T12:00:00Z"),
      song("a1", "2026-05-19T12:00:00Z"),
      song("a2", "2026-05-18T12:00:00Z"),
      local("Demo take", "2026-05-17T12:00:00Z"),
      song("a3", "2026-05-16T12:00:00Z"),
    ],
    librarySize: 180,
  },
  { id: "bob", displayName: "Bob", savedTracks: [song("b1", "2026-04-01T00:00:00Z")], librarySize: 60 },
  { id: "carol", displayName: "Carol", savedTracks: [], librarySize: 1_000 },
  { id: "big", displayName: "Big Library", savedTracks: [], librarySize: 20_000 },
];

let fake: FakeSpotifyServer;
let database: TestDatabase;
let db: Db;

/** Every Web API / Accounts request the app sent in this file (the log is cleared by each reset). */
const sentRequests: RequestLogEntry[] = [];
/** Every token the fake issued in this file. */
const issuedTokens = new Set<string>();
/** Everything written to the console while the tests ran. */
const consoleOutput: string[] = [];

async function control<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${fake.url}/__control${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const requestLog = () => control<RequestLogEntry[]>("GET", "/requests");
const faults = (settings: Record<string, unknown>) => control("POST", "/faults", settings);
const likedOnSpotify = (userId: string) =>
  fake.state.users.get(userId)!.savedTracks.filter((s) => s.track.id !== null).map((s) => s.track.id!);
const playlistsOf = (userId: string) => control<Array<{ id: string; name: string; public: boolean; uris: string[] }>>("GET", `/users/${userId}/playlists`);
const isLibraryPage = (r: RequestLogEntry) => r.method === "GET" && r.path === "/v1/me/tracks";
const isItemsPost = (r: RequestLogEntry) => r.method === "POST" && /^\/v1\/playlists\/[^/]+\/items$/.test(r.path);

/** A signed-in user: profile row plus a token pair from the fake, stored sealed. */
async function signIn(userId: string): Promise<{ accessToken: string; refreshToken: string }> {
  await db.spotifyUser.upsert({ where: { id: userId }, create: { id: userId, displayName: userId }, update: {} });
  const token = await control<{ access_token: string; refresh_token: string; expires_in: number; scope: string }>("POST", "/tokens", { userId });
  await saveTokens(db, userId, {
    accessToken: token.access_token,
    refreshToken: token.refresh_token,
    expiresAt: new Date(Date.now() + token.expires_in * 1000),
    scope: token.scope,
  });
  return { accessToken: token.access_token, refreshToken: token.refresh_token };
}

async function storedTokens(userId: string) {
  const row = await db.spotifyToken.findUnique({ where: { userId } });
  if (!row) return null;
  return { row, accessToken: openSecret(row.accessToken, appSecret()), refreshToken: openSecret(row.refreshToken, appSecret()) };
}

async function cachedIds(userId: string): Promise<string[]> {
  return (await likedSongsFor(db, userId)).trackIds;
}

const trackIds = (count: number, key = "export") => Array.from({ length: count }, (_, i) => deterministicSpotifyId(`${key}:${i}`));

/**
 * Watches, on the app's side, when each Web API request is sent and when each 429
 * arrives. `violations()` lists sends made after the app had a 429 in hand (5 ms
 * for that response to reach ky's hooks) and before its Retry-After had passed.
 * (The fake's own `retryAfterIgnored` flag cannot judge requests that were already
 * on their way when another request got the 429: with pages fetched in parallel
 * that happens, and is not the client ignoring anything.)
 */
function watchRateLimits() {
  const sends: number[] = [];
  const limits: Array<{ at: number; until: number }> = [];
  const realFetch = globalThis.fetch;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const isApi = new URL(url).pathname.startsWith("/v1/");
    if (isApi) sends.push(Date.now());
    const response = await realFetch(input, init);
    if (isApi && response.status === 429) {
      const at = Date.now();
      limits.push({ at, until: at + Number(response.headers.get("Retry-After")) * 1000 });
    }
    return response;
  });
  return {
    limits,
    stop: () => spy.mockRestore(),
    violations: () => sends.filter((t) => limits.some((l) => t > l.at + 5 && t < l.until - 1)),
  };
}

function collectTokens() {
  for (const token of fake.state.accessTokens.keys()) issuedTokens.add(token);
  for (const token of fake.state.refreshTokens.keys()) issuedTokens.add(token);
}

beforeAll(async () => {
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    const original = console[method].bind(console);
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleOutput.push(args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 6 }))).join(" "));
      original(...args);
    });
  }
  fake = await startFakeSpotify({ port: 0, users: USERS, seed: 7, timeoutHangMs: 5_000 });
  process.env.SPOTIFY_CLIENT_ID = "fake-client-id";
  process.env.SPOTIFY_CLIENT_SECRET = "fake-client-secret";
  process.env.SPOTIFY_ACCOUNTS_URL = fake.accountsUrl;
  process.env.SPOTIFY_API_URL = fake.apiUrl;
  database = await createTestDatabase("spotify");
  db = createDb(database.url);
});

afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
  await fake?.close();
  vi.restoreAllMocks();
});

beforeEach(async () => {
  await control("POST", "/reset");
  await db.spotifyUser.deleteMany();
});

afterEach(async () => {
  sentRequests.push(...(await requestLog()));
  collectTokens();
});

describe("library sync", () => {
  it("stores every liked song on the first visit, skips and counts local files, lists them newest first", async () => {
    await signIn("alice");
    const result = await syncLibrary(db, spotifyForUser(db, "alice", FAST), "alice");

    expect(result).toMatchObject({ full: true, total: 180, stored: 178, added: 178, skippedLocal: 2, pagesFetched: 4 });
    expect(await cachedIds("alice")).toEqual(likedOnSpotify("alice"));
    const user = await db.spotifyUser.findUniqueOrThrow({ where: { id: "alice" } });
    expect(user).toMatchObject({ libraryTotal: 180, skippedLocal: 2 });
    expect(user.librarySyncedAt).not.toBeNull();
    const first = await db.savedTrack.findUniqueOrThrow({ where: { userId_trackId: { userId: "alice", trackId: song("a1", "").id } } });
    expect(first).toMatchObject({ name: "Song a1", primaryArtist: "Artist a1", addedAt: new Date("2026-05-19T12:00:00Z") });
  });

  it("a return visit reads only the newest page(s), and un-liked songs trigger a full sync", async () => {
    await signIn("alice");
    const spotify = spotifyForUser(db, "alice", FAST);
    await syncLibrary(db, spotify, "alice");

    // Nothing changed (the newest item is a local file): one page, no full sync, nothing written.
    await control("DELETE", "/requests");
    const syncedAt = (await db.spotifyUser.findUniqueOrThrow({ where: { id: "alice" } })).librarySyncedAt;
    expect(await syncLibrary(db, spotify, "alice")).toMatchObject({ full: false, added: 0, stored: 178, pagesFetched: 1, skippedLocal: 2 });
    expect((await requestLog()).filter(isLibraryPage)).toHaveLength(1);
    expect((await db.spotifyUser.findUniqueOrThrow({ where: { id: "alice" } })).librarySyncedAt).toEqual(syncedAt);

    // 30 new songs fit on the first page.
    await control("POST", "/users/alice/saved-tracks", { count: 30 });
    await control("DELETE", "/requests");
    expect(await syncLibrary(db, spotify, "alice")).toMatchObject({ full: false, added: 30, stored: 208, total: 210, pagesFetched: 1 });
    expect((await requestLog()).filter(isLibraryPage)).toHaveLength(1);
    expect(await cachedIds("alice")).toEqual(likedOnSpotify("alice"));

    // 70 new songs and a new local file: two pages.
    await control("POST", "/users/alice/saved-tracks", { count: 40 });
    await control("POST", "/users/alice/saved-tracks", { tracks: [{ isLocal: true, name: "Field recording" }] });
    await control("POST", "/users/alice/saved-tracks", { count: 30 });
    await control("DELETE", "/requests");
    expect(await syncLibrary(db, spotify, "alice")).toMatchObject({ full: false, added: 70, total: 281, skippedLocal: 3, pagesFetched: 2 });
    const pages = (await requestLog()).filter(isLibraryPage);
    expect(pages.map((r) => r.query.offset)).toEqual(["0", "50"]);
    expect(await cachedIds("alice")).toEqual(likedOnSpotify("alice"));

    // Un-liking songs (old ones, deep in the library) is only visible in `total`: full sync.
    const liked = likedOnSpotify("alice");
    await control("POST", "/users/alice/saved-tracks/remove", { ids: [liked[5], liked[150], liked[270]] });
    await control("DELETE", "/requests");
    expect(await syncLibrary(db, spotify, "alice")).toMatchObject({ full: true, total: 278, stored: 275, skippedLocal: 3 });
    expect((await requestLog()).filter(isLibraryPage)).toHaveLength(6);
    expect(await cachedIds("alice")).toEqual(likedOnSpotify("alice"));
    expect(await db.savedTrack.count({ where: { userId: "alice" } })).toBe(275);
  });

  it("a full sync that fails on a later page leaves the previous cache, and no transaction, behind", async () => {
    await signIn("alice");
    const spotify = spotifyForUser(db, "alice", FAST);
    await syncLibrary(db, spotify, "alice");
    const before = await cachedIds("alice");
    const syncedAt = (await db.spotifyUser.findUniqueOrThrow({ where: { id: "alice" } })).librarySyncedAt;
    // Un-liking a song makes the next visit a full sync; its third page is lost.
    await control("POST", "/users/alice/saved-tracks/remove", { ids: [before[10]] });
    let pages = 0;
    const losing: UserSpotify = {
      sdk: spotify.sdk,
      call: (call) => (++pages === 3 ? Promise.reject(new Error("page lost")) : spotify.call(call)),
    };
    await expect(syncLibrary(db, losing, "alice")).rejects.toThrow("page lost");
    expect(await cachedIds("alice")).toEqual(before);
    expect((await db.spotifyUser.findUniqueOrThrow({ where: { id: "alice" } })).librarySyncedAt).toEqual(syncedAt);
    const open = await db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`;
    expect(Number(open[0].n)).toBe(0);
    // The next visit syncs in full.
    expect(await syncLibrary(db, spotify, "alice")).toMatchObject({ full: true, stored: 177 });
    expect(await cachedIds("alice")).toEqual(likedOnSpotify("alice"));
  });

  it("a full sync whose connection is lost stops asking Spotify for pages, and changes nothing", async () => {
    await faults({ latencyMs: 20 });
    await signIn("big");
    // End the sync's own connection (idle in its transaction between two pages) once it is open.
    let terminated = 0;
    const killer = (async () => {
      for (let tries = 0; tries < 500 && terminated === 0; tries++) {
        const rows = await db.$queryRaw<{ pid: number }[]>`
          SELECT pid FROM pg_stat_activity
          WHERE datname = current_database() AND state = 'idle in transaction' AND pid <> pg_backend_pid()`;
        for (const { pid } of rows) {
          if ((await db.$queryRaw<{ done: boolean }[]>`SELECT pg_terminate_backend(${pid}::int) AS done`)[0].done) terminated++;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await expect(syncLibrary(db, spotifyForUser(db, "big", FAST), "big")).rejects.toThrow();
    await killer;
    expect(terminated).toBe(1);
    // 400 pages in all; it stopped within about one round of 12 after the loss.
    expect((await requestLog()).filter(isLibraryPage).length).toBeLessThan(100);
    expect(await db.savedTrack.count({ where: { userId: "big" } })).toBe(0);
    expect((await db.spotifyUser.findUniqueOrThrow({ where: { id: "big" } })).librarySyncedAt).toBeNull();
  });

  it("stores a song listed on two pages as the earlier page lists it, whatever order the pages come in", async () => {
    await signIn("alice");
    const spotify = spotifyForUser(db, "alice", FAST);
    const pageAt = (offset: number) => spotify.call((sdk) => sdk.currentUser.tracks.savedTracks(50, offset));
    // The library changed between two pages' requests: the first song of page 100, liked again
    // meanwhile, is also the first song of page 50, and page 50 comes back after page 100.
    const repeated = structuredClone((await pageAt(100)).items[0]);
    repeated.added_at = "2030-01-01T00:00:00Z";
    repeated.track.name = "Liked again";
    const arrived: number[] = [];
    const shifting: UserSpotify = {
      sdk: spotify.sdk,
      call: async <T,>(call: (sdk: SpotifyApi) => Promise<T>) => {
        const page = (await spotify.call(call)) as unknown as Page<SavedTrack>;
        if (page.offset === 50) {
          page.items[0] = repeated;
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
        arrived.push(page.offset);
        return page as unknown as T;
      },
    };
    const result = await syncLibrary(db, shifting, "alice");
    expect(arrived.indexOf(100)).toBeLessThan(arrived.indexOf(50));
    const stored = await db.savedTrack.findUniqueOrThrow({ where: { userId_trackId: { userId: "alice", trackId: repeated.track.id } } });
    expect(stored).toMatchObject({ name: "Liked again", addedAt: new Date("2030-01-01T00:00:00Z") });
    expect(result.stored).toBe(await db.savedTrack.count({ where: { userId: "alice" } }));
    expect(result.stored).toBe(177); // 178 songs, one of them listed twice
  });

  it("a song un-liked and liked again moves to the top (its added_at changes)", async () => {
    await signIn("bob");
    const spotify = spotifyForUser(db, "bob", FAST);
    await syncLibrary(db, spotify, "bob");
    const relike = likedOnSpotify("bob")[40];
    await control("POST", "/users/bob/saved-tracks/remove", { ids: [relike] });
    await control("POST", "/users/bob/saved-tracks", { tracks: [{ id: relike, name: "Back again", artists: ["Bob"] }] });
    expect(likedOnSpotify("bob")[0]).toBe(relike);

    await syncLibrary(db, spotify, "bob");
    expect(await cachedIds("bob")).toEqual(likedOnSpotify("bob"));
    expect(await db.savedTrack.count({ where: { userId: "bob" } })).toBe(60);
  });

  it("syncs a 20,000-song library with 50 ms latency and 5% rate limiting", { timeout: 180_000 }, async () => {
    await faults({ latencyMs: 50, rate429: 0.05 });
    await signIn("big");
    const watch = watchRateLimits();
    try {
      const result = await syncLibrary(db, spotifyForUser(db, "big"), "big");
      expect(result).toMatchObject({ full: true, total: 20_000, stored: 20_000, skippedLocal: 0, pagesFetched: 400 });
    } finally {
      watch.stop();
    }

    expect(await db.savedTrack.count({ where: { userId: "big" } })).toBe(20_000);
    expect(await cachedIds("big")).toEqual(likedOnSpotify("big"));
    const log = await requestLog();
    expect(log.filter((r) => r.fault === "rate429").length).toBeGreaterThan(5);
    expect(watch.limits.length).toBeGreaterThan(5);
    expect(watch.violations()).toEqual([]);
    expect(log.filter((r) => isLibraryPage(r) && r.status === 200)).toHaveLength(400);
  });
});

describe("retries, rate limits and failures", () => {
  it("waits out Retry-After before repeating a rate-limited request", async () => {
    await signIn("bob");
    await faults({ failNextRequests: [{ path: "^/v1/me/tracks$", status: 429, count: 2, retryAfterSeconds: 1 }] });
    const result = await syncLibrary(db, spotifyForUser(db, "bob", FAST), "bob");
    expect(result.stored).toBe(60);

    const firstPage = (await requestLog()).filter((r) => isLibraryPage(r) && r.query.offset === "0");
    expect(firstPage.map((r) => r.status)).toEqual([429, 429, 200]);
    for (let i = 1; i < firstPage.length; i++) {
      expect(Date.parse(firstPage[i].at) - Date.parse(firstPage[i - 1].at)).toBeGreaterThanOrEqual(1_000);
    }
  });

  it("sends nothing while a Retry-After is pending, also with pages fetched in parallel", async () => {
    await signIn("carol");
    await faults({ rate429: 0.1, retryAfterSeconds: 1, latencyMs: 5 });
    const watch = watchRateLimits();
    try {
      expect((await syncLibrary(db, spotifyForUser(db, "carol", FAST), "carol")).stored).toBe(1_000);
    } finally {
      watch.stop();
    }
    expect(watch.limits.length).toBeGreaterThan(0);
    expect(watch.violations()).toEqual([]);
    // A rate-limited request itself is never repeated inside its window.
    const log = await requestLog();
    for (const limited of log.filter((r) => r.status === 429)) {
      const retry = log.find((r) => r.seq > limited.seq && r.query.offset === limited.query.offset);
      expect(Date.parse(retry!.at) - Date.parse(limited.at)).toBeGreaterThanOrEqual(1_000);
    }
  });

  it("one request after another under random 429s: the fake never sees Retry-After ignored", async () => {
    await signIn("alice");
    await faults({ rate429: 0.3, retryAfterSeconds: 1 });
    const ids = trackIds(250, "sequential");
    await exportPlaylist(db, spotifyForUser(db, "alice", FAST), "alice", { name: "Under load", description: "", trackIds: ids });
    const log = await requestLog();
    expect(log.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    expect(log.filter((r) => r.retryAfterIgnored)).toEqual([]);
    const playlists = await playlistsOf("alice");
    expect(playlists).toHaveLength(1);
    expect(playlists[0].uris).toEqual(ids.map((id) => `spotify:track:${id}`));
  });

  it("retries a burst of server errors and succeeds", async () => {
    await signIn("bob");
    await faults({
      failNextRequests: [
        { path: "^/v1/me/tracks$", status: 500, count: 1 },
        { path: "^/v1/me/tracks$", status: 502, count: 1 },
        { path: "^/v1/me/tracks$", status: 503, count: 2 },
      ],
    });
    const result = await syncLibrary(db, spotifyForUser(db, "bob", FAST), "bob");
    expect(result.stored).toBe(60);
    expect(await cachedIds("bob")).toEqual(likedOnSpotify("bob"));
    expect((await requestLog()).filter((r) => isLibraryPage(r) && r.status >= 500)).toHaveLength(4);
  });

  it("gives up on a permanent server error with SpotifyUnavailableError, within the budget", async () => {
    await signIn("bob");
    await faults({ failNextRequests: [{ path: "^/v1/me/tracks$", status: 500, count: 1_000 }] });
    const started = Date.now();
    await expect(syncLibrary(db, spotifyForUser(db, "bob", FAST), "bob")).rejects.toBeInstanceOf(SpotifyUnavailableError);
    expect(Date.now() - started).toBeLessThan(FAST.budgetMs);
    expect((await requestLog()).filter(isLibraryPage)).toHaveLength(FAST.retries + 1);
    expect(await db.savedTrack.count()).toBe(0);
  });

  it("gives up at once when Retry-After is longer than we are willing to wait", async () => {
    await signIn("bob");
    await faults({ failNextRequests: [{ path: "^/v1/me/tracks$", status: 429, count: 1, retryAfterSeconds: 3_600 }] });
    const started = Date.now();
    await expect(syncLibrary(db, spotifyForUser(db, "bob", FAST), "bob")).rejects.toBeInstanceOf(SpotifyUnavailableError);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((await requestLog()).filter(isLibraryPage)).toHaveLength(1);

    // The next visit is not blocked by the refused wait.
    expect((await syncLibrary(db, spotifyForUser(db, "bob", FAST), "bob")).stored).toBe(60);
  });

  it("gives up on requests that never answer with SpotifyUnavailableError, within the budget", async () => {
    await signIn("bob");
    await faults({ timeoutRate: 1 });
    const policy: RetryPolicy = { ...FAST, timeoutMs: 200, budgetMs: 1_500 };
    const started = Date.now();
    const error = await syncLibrary(db, spotifyForUser(db, "bob", policy), "bob").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpotifyUnavailableError);
    expect(Date.now() - started).toBeLessThan(policy.budgetMs + policy.timeoutMs + 500);
    // The error (and whatever it wraps) can be logged without leaking the bearer token.
    const { accessToken } = (await storedTokens("bob"))!;
    expect(inspect(error, { depth: 10 })).not.toContain(accessToken);
  });

  it("repeats a rate-limited POST only after its Retry-After, and a failed POST not at all", async () => {
    await signIn("alice");
    await faults({ failNextRequests: [{ path: "/items$", method: "POST", status: 429, count: 1, retryAfterSeconds: 1 }] });
    const ids = trackIds(150);
    await exportPlaylist(db, spotifyForUser(db, "alice", FAST), "alice", { name: "Retry", description: "", trackIds: ids });

    const posts = (await requestLog()).filter(isItemsPost);
    expect(posts.map((r) => r.status)).toEqual([429, 201, 201]);
    expect(Date.parse(posts[1].at) - Date.parse(posts[0].at)).toBeGreaterThanOrEqual(1_000);
    expect((await playlistsOf("alice"))[0].uris).toEqual(ids.map((id) => `spotify:track:${id}`));
  });
});

describe("tokens", () => {
  it("refreshes once when the access token expires mid-sync, and keeps the rotated refresh token", async () => {
    const original = await signIn("carol");
    const before = await storedTokens("carol");
    // Expire every access token when the 4th library page arrives: pages in flight get 401.
    let pagesSeen = 0;
    const startLogEntry = fake.state.startLogEntry.bind(fake.state);
    const spy = vi.spyOn(fake.state, "startLogEntry").mockImplementation((method, path, query) => {
      if (path === "/v1/me/tracks" && ++pagesSeen === 4) fake.state.expireAllAccessTokens();
      return startLogEntry(method, path, query);
    });
    try {
      const result = await syncLibrary(db, spotifyForUser(db, "carol", FAST), "carol");
      expect(result.stored).toBe(1_000);
    } finally {
      spy.mockRestore();
    }

    const log = await requestLog();
    expect(log.filter((r) => isLibraryPage(r) && r.status === 401).length).toBeGreaterThan(0);
    expect(log.filter((r) => r.grantType === "refresh_token")).toHaveLength(1);
    const after = (await storedTokens("carol"))!;
    expect(after.row.accessToken).not.toBe(before!.row.accessToken);
    expect(after.accessToken).not.toBe(original.accessToken);
    expect(after.refreshToken).not.toBe(original.refreshToken); // rotated, and the newest is kept

    // The kept refresh token works: expire again, sync again.
    await control("POST", "/expire-tokens");
    await control("POST", "/users/carol/saved-tracks", { count: 3 });
    expect((await syncLibrary(db, spotifyForUser(db, "carol", FAST), "carol")).added).toBe(3);
    const grants = (await requestLog()).filter((r) => r.grantType === "refresh_token");
    expect(grants.map((r) => r.status)).toEqual([200, 200]);
  });

  it("refreshes ahead of time when the stored token expires within a minute", async () => {
    const original = await signIn("bob");
    await db.spotifyToken.update({ where: { userId: "bob" }, data: { expiresAt: new Date(Date.now() + 30_000) } });
    const token = await accessTokenFor(db, "bob");
    expect(token).not.toBe(original.accessToken);
    expect((await storedTokens("bob"))!.row.expiresAt.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
  });

  it("a revoked refresh token ends the session: SignInRequiredError and the token row is deleted", async () => {
    await signIn("alice");
    await control("POST", "/revoke-refresh-tokens", { userId: "alice" });
    await control("POST", "/expire-tokens");
    await expect(syncLibrary(db, spotifyForUser(db, "alice", FAST), "alice")).rejects.toBeInstanceOf(SignInRequiredError);
    expect(await db.spotifyToken.findUnique({ where: { userId: "alice" } })).toBeNull();
    await expect(accessTokenFor(db, "alice")).rejects.toBeInstanceOf(SignInRequiredError);
  });

  it("a refused client secret is a server problem: the user's tokens are kept", async () => {
    await signIn("alice");
    await control("POST", "/expire-tokens");
    const client = fake.state.clients.get("fake-client-id")!;
    const secret = client.clientSecret;
    client.clientSecret = "rotated-in-the-dashboard";
    try {
      const error = await syncLibrary(db, spotifyForUser(db, "alice", FAST), "alice").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(SignInRequiredError);
    } finally {
      client.clientSecret = secret;
    }
    expect(await db.spotifyToken.findUnique({ where: { userId: "alice" } })).not.toBeNull();
  });
});

describe("playlist export", () => {
  const uris = (ids: string[]) => ids.map((id) => `spotify:track:${id}`);

  it("exports 230 songs as one private playlist, in order, 100 at a time", async () => {
    await signIn("alice");
    const ids = trackIds(230);
    const result = await exportPlaylist(db, spotifyForUser(db, "alice", FAST), "alice", {
      name: "Taste mix",
      description: "From my liked songs",
      trackIds: ids,
    });

    expect(result).toMatchObject({ added: 230, resumed: false });
    const playlists = await playlistsOf("alice");
    expect(playlists).toHaveLength(1);
    expect(playlists[0]).toMatchObject({ id: result.playlistId, name: "Taste mix", public: false });
    expect(playlists[0].uris).toEqual(uris(ids));
    expect(result.playlistUrl).toContain(result.playlistId);

    const log = await requestLog();
    const posts = log.filter(isItemsPost);
    expect(posts.map((r) => (r.body as { uris: string[] }).uris.length)).toEqual([100, 100, 30]);
    expect(posts.map((r) => (r.body as { position: number }).position)).toEqual([0, 100, 200]);
    expect(log.find((r) => r.method === "POST" && r.path === "/v1/me/playlists")?.body).toMatchObject({ public: false });
  });

  it("a double click and a later click still make one playlist", async () => {
    await signIn("alice");
    const request = { name: "Double", description: "", trackIds: trackIds(120) };
    const [a, b] = await Promise.all([
      exportPlaylist(db, spotifyForUser(db, "alice", FAST), "alice", request),
      exportPlaylist(db, spotifyForUser(db, "alice", FAST), "alice", request),
    ]);
    const again = await exportPlaylist(db, spotifyForUser(db, "alice", FAST), "alice", request);

    expect(new Set([a.playlistId, b.playlistId, again.playlistId]).size).toBe(1);
    const playlists = await playlistsOf("alice");
    expect(playlists).toHaveLength(1);
    expect(playlists[0].uris).toEqual(uris(request.trackIds));
    expect((await requestLog()).filter(isItemsPost)).toHaveLength(2);
    expect(await db.playlistExport.count()).toBe(1);
  });

  it("resumes a failed export into the same playlist without duplicates", async () => {
    await signIn("alice");
    const request = { name: "Resume", description: "", trackIds: trackIds(230) };
    await control("POST", "/fail-playlist-items-after", { count: 1 });
    await expect(exportPlaylist(db, spotifyForUser(db, "alice", FAST), "alice", request)).rejects.toSatisfy(
      (e) => e instanceof SpotifyUnavailableError || e instanceof SpotifyApiError,
    );
    expect((await playlistsOf("alice"))[0].uris).toHaveLength(100);

    const result = await exportPlaylist(db, spotifyForUser(db, "alice", FAST), "alice", request);
    expect(result).toMatchObject({ resumed: true, added: 230 });
    const playlists = await playlistsOf("alice");
    expect(playlists).toHaveLength(1);
    expect(playlists[0].uris).toEqual(uris(request.trackIds));
  });

  it("trusts Spotify's count when a request reached Spotify but was not recorded", async () => {
    await signIn("alice");
    const request = { name: "Unrecorded", description: "", trackIds: trackIds(230) };
    const spotify = spotifyForUser(db, "alice", FAST);
    await exportPlaylist(db, spotify, "alice", request);
    // As if we had crashed after the 2nd and 3rd POSTs were applied but before recording them.
    await db.playlistExport.updateMany({ data: { addedCount: 100 } });
    await control("DELETE", "/requests");

    const result = await exportPlaylist(db, spotify, "alice", request);
    expect(result).toMatchObject({ resumed: true, added: 230 });
    expect((await requestLog()).filter(isItemsPost)).toHaveLength(0);
    const playlists = await playlistsOf("alice");
    expect(playlists).toHaveLength(1);
    expect(playlists[0].uris).toEqual(uris(request.trackIds));

    // Half-way: Spotify has 200, we recorded 100: only the last 30 are added.
    await db.playlistExport.updateMany({ data: { addedCount: 100 } });
    fake.state.playlists.get(result.playlistId)!.entries.splice(200);
    await exportPlaylist(db, spotify, "alice", request);
    expect((await requestLog()).filter(isItemsPost).map((r) => (r.body as { position: number }).position)).toEqual([200]);
    expect((await playlistsOf("alice"))[0].uris).toEqual(uris(request.trackIds));
  });
});

describe("two users", () => {
  it("one user's sync and export never touch the other's rows, and each uses its own token", async () => {
    await signIn("alice");
    await signIn("bob");
    await Promise.all([
      syncLibrary(db, spotifyForUser(db, "alice", FAST), "alice"),
      syncLibrary(db, spotifyForUser(db, "bob", FAST), "bob"),
    ]);
    expect(await cachedIds("alice")).toEqual(likedOnSpotify("alice"));
    expect(await cachedIds("bob")).toEqual(likedOnSpotify("bob"));
    let log = await requestLog();
    expect(log.filter((r) => isLibraryPage(r) && r.userId === "alice")).toHaveLength(4);
    expect(log.filter((r) => isLibraryPage(r) && r.userId === "bob")).toHaveLength(2);

    const bobBefore = {
      user: await db.spotifyUser.findUniqueOrThrow({ where: { id: "bob" } }),
      songs: await db.savedTrack.findMany({ where: { userId: "bob" }, orderBy: { trackId: "asc" } }),
      token: await db.spotifyToken.findUniqueOrThrow({ where: { userId: "bob" } }),
    };

    // Alice: new songs, an un-like (full sync), a token refresh and an export.
    await control("DELETE", "/requests");
    await control("POST", "/users/alice/saved-tracks", { count: 5 });
    await control("POST", "/users/alice/saved-tracks/remove", { ids: [likedOnSpotify("alice")[100]] });
    await control("POST", "/expire-tokens");
    const spotify = spotifyForUser(db, "alice", FAST);
    await syncLibrary(db, spotify, "alice");
    await exportPlaylist(db, spotify, "alice", { name: "Mine", description: "", trackIds: likedOnSpotify("bob").slice(0, 10) });

    log = await requestLog();
    // Every request carried Alice's token (401s to her expired one name no user).
    expect(log.filter((r) => r.path.startsWith("/v1/") && r.status !== 401).every((r) => r.userId === "alice")).toBe(true);
    expect(log.filter((r) => r.status === 401).length).toBeGreaterThan(0);
    expect(await db.spotifyUser.findUniqueOrThrow({ where: { id: "bob" } })).toEqual(bobBefore.user);
    expect(await db.savedTrack.findMany({ where: { userId: "bob" }, orderBy: { trackId: "asc" } })).toEqual(bobBefore.songs);
    expect(await db.spotifyToken.findUniqueOrThrow({ where: { userId: "bob" } })).toEqual(bobBefore.token);
    expect(await db.playlistExport.count({ where: { userId: "bob" } })).toBe(0);
    expect(await playlistsOf("bob")).toEqual([]);
    expect(await playlistsOf("alice")).toHaveLength(1);

    // Bob exporting the same name and songs gets his own playlist and export row.
    await exportPlaylist(db, spotifyForUser(db, "bob", FAST), "bob", { name: "Mine", description: "", trackIds: likedOnSpotify("bob").slice(0, 10) });
    expect(await playlistsOf("bob")).toHaveLength(1);
    expect(await db.playlistExport.count()).toBe(2);
  });

  it("a user without a stored token cannot borrow another user's", async () => {
    await signIn("alice");
    await db.spotifyUser.create({ data: { id: "bob" } });
    await expect(syncLibrary(db, spotifyForUser(db, "bob", FAST), "bob")).rejects.toBeInstanceOf(SignInRequiredError);
    expect((await requestLog()).filter((r) => r.path.startsWith("/v1/"))).toEqual([]);
  });
});

describe("after all of the above", () => {
  it("every request the app sent matches the Spotify OpenAPI spec", () => {
    const apiRequests = sentRequests.filter((r) => r.path.startsWith("/v1/"));
    expect(apiRequests.length).toBeGreaterThan(400);
    for (const r of apiRequests) assertRequestMatchesSpec(r.method, r.path, r.query, r.body);
    // And the Accounts requests were refreshes only (no other grant types from lib/spotify).
    expect(new Set(sentRequests.filter((r) => r.path.startsWith("/accounts/")).map((r) => r.grantType))).toEqual(new Set(["refresh_token"]));
  });

  it("tokens are sealed at rest and never appear in the request log or the console", async () => {
    const { accessToken, refreshToken } = await signIn("alice");
    const [row] = await db.$queryRaw<Array<{ access_token: string; refresh_token: string }>>`
      SELECT access_token, refresh_token FROM spotify_token WHERE user_id = 'alice'`;
    expect(row.access_token).toMatch(/^v1\./);
    expect(row.refresh_token).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(accessToken);
    expect(JSON.stringify(row)).not.toContain(refreshToken);
    expect((await storedTokens("alice"))).toMatchObject({ accessToken, refreshToken });

    collectTokens();
    expect(issuedTokens.size).toBeGreaterThan(10);
    const logText = JSON.stringify(sentRequests);
    const consoleText = consoleOutput.join("\n");
    for (const token of issuedTokens) {
      expect(logText).not.toContain(token);
      expect(consoleText).not.toContain(token);
    }
  });
});

// Two `next start` processes of one build on one database and one (fake) Spotify,
// as a deployment behind a reverse proxy runs them: what one process learns or
// does must hold for the other (docs/deploy.md).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { seedCatalog, DEFAULT_K } from "../lib/catalog/seed";
import { createDb } from "../lib/db/client";
import { SAMPLE_ARTISTS, SAMPLE_CATALOG } from "../scripts/stack";
import { APP_PORT } from "../playwright.config";
import { control, query, shownTrackIds, signIn } from "./support/fixtures";
import { startSecondApp, type SecondApp } from "./support/second-app";

const FIRST = `http://127.0.0.1:${APP_PORT}`;
let second: SecondApp;

interface LoggedRequest {
  seq: number;
  at: string;
  method: string;
  path: string;
  status: number;
  userId?: string;
}

interface ControlPlaylist {
  id: string;
  uris: string[];
}

test.beforeAll(async () => {
  second = await startSecondApp();
});

test.afterAll(async () => {
  await second?.stop();
});

test.beforeEach(async () => {
  await control("POST", "/faults", { rate429: 0, rate5xx: 0, latencyMs: 0, failNextRequests: [] });
});

/** The page's own heading: a first visit shows the library's progress (its own h1) until the page replaces it. */
function pageHeading(page: Page) {
  return page.locator("main h1").filter({ hasNotText: "Getting to know your taste" });
}

/** A browser context signed in as `userId` (through the first process; the cookie serves both: same host, same secret). */
async function signedIn(browser: Browser, userId: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: FIRST });
  const page = await context.newPage();
  await signIn(page, userId);
  await expect(pageHeading(page)).toBeVisible();
  await page.close();
  return context;
}

async function openRecommendations(context: BrowserContext, appUrl: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${appUrl}/recommendations`);
  // Recommendations, or (for "other", whose songs the sample lacks) the page that says so.
  await expect(pageHeading(page)).toBeVisible();
  return page;
}

async function requestLog(): Promise<LoggedRequest[]> {
  return control<LoggedRequest[]>("GET", "/requests");
}

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test("a 429 one process gets holds back the other's Spotify requests until Retry-After has passed", async ({ browser }) => {
  const demo = await signedIn(browser, "demo");
  const other = await signedIn(browser, "other");
  await control("DELETE", "/requests");
  await query("DELETE FROM spotify_rate_limit");
  await control("POST", "/faults", { failNextRequests: [{ path: "^/v1/me/tracks$", status: 429, retryAfterSeconds: 3, count: 1 }] });

  // The first process's library sync for demo gets the 429...
  const firstPage = await demo.newPage();
  const firstVisit = firstPage.goto(`${FIRST}/recommendations`);
  const rateLimited = await until("the 429", async () => (await requestLog()).find((r) => r.status === 429));
  await until("the hold in the database", async () => (await query("SELECT 1 FROM spotify_rate_limit WHERE until > now()")).length > 0);
  // ...and a page of the second process, for another user, must wait the window out before calling Spotify.
  const secondPage = await openRecommendations(other, second.url);
  await firstVisit;
  await expect(firstPage.getByTestId("dominant-label")).toBeVisible();
  await expect(pageHeading(secondPage)).toBeVisible();

  const windowEnds = Date.parse(rateLimited.at) + 3_000;
  const log = await requestLog();
  const secondProcessCalls = log.filter((r) => r.userId === "other" && r.path.startsWith("/v1/"));
  expect(secondProcessCalls.length).toBeGreaterThan(0);
  for (const call of secondProcessCalls) expect(Date.parse(call.at), `${call.method} ${call.path} arrived inside the window`).toBeGreaterThanOrEqual(windowEnds);
  // The first process's own retry waited too; nothing else was refused.
  const retried = log.filter((r) => r.userId === "demo" && r.seq > rateLimited.seq);
  expect(retried.length).toBeGreaterThan(0);
  for (const call of retried) expect(Date.parse(call.at)).toBeGreaterThanOrEqual(windowEnds);
  expect(log.filter((r) => r.status === 429)).toHaveLength(1);
  await demo.close();
  await other.close();
});

test("an export clicked in both processes at once makes one playlist without duplicates", async ({ browser }) => {
  const demo = await signedIn(browser, "demo");
  const inFirst = await openRecommendations(demo, FIRST);
  const inSecond = await openRecommendations(demo, second.url);
  const shown = await shownTrackIds(inFirst);
  expect(await shownTrackIds(inSecond)).toEqual(shown);
  // A fresh export, not the resumption of one an earlier test made of the same songs.
  await query("DELETE FROM playlist_export WHERE user_id = 'demo'");
  const before = new Set((await control<ControlPlaylist[]>("GET", "/users/demo/playlists")).map((p) => p.id));
  await control("DELETE", "/requests");
  // Slow Spotify down so that the two exports overlap.
  await control("POST", "/faults", { latencyMs: 300 });

  const save = (page: Page) => page.getByRole("button", { name: "Save as a Spotify playlist" }).click();
  await Promise.all([save(inFirst), save(inSecond)]);
  await expect(inFirst.getByTestId("export-done")).toBeVisible();
  await expect(inSecond.getByTestId("export-done")).toBeVisible();

  const created = (await control<ControlPlaylist[]>("GET", "/users/demo/playlists")).filter((p) => !before.has(p.id));
  expect(created).toHaveLength(1);
  expect(created[0].uris).toEqual(shown.map((id) => `spotify:track:${id}`));
  const log = await requestLog();
  expect(log.filter((r) => r.method === "POST" && r.path === "/v1/me/playlists")).toHaveLength(1);
  expect(log.filter((r) => r.method === "POST" && r.path.endsWith("/items"))).toHaveLength(1);
  await demo.close();
});

test("after a re-seed both processes recommend from the new catalog at their next request", async ({ browser }) => {
  const liked = (await query<{ track_id: string }>("SELECT track_id FROM saved_track WHERE user_id = 'demo'")).map((r) => r.track_id);
  expect(liked.length).toBeGreaterThan(0);
  const recommend = async (appUrl: string): Promise<string[]> => {
    const response = await fetch(`${appUrl}/api/recommendations`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ trackIds: liked, limit: 20 }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { recommendations: { track: { id: string } }[] }).recommendations.map((r) => r.track.id);
  };
  const demo = await signedIn(browser, "demo");
  const pages = [await openRecommendations(demo, FIRST), await openRecommendations(demo, second.url)];
  // Both processes have served (and cached) the old catalog's candidates.
  const removed = new Set([...(await recommend(FIRST)), ...(await recommend(second.url)), ...(await shownTrackIds(pages[0])), ...(await shownTrackIds(pages[1]))]);
  expect(removed.size).toBeGreaterThanOrEqual(20);

  // The new catalog: the sample without every song just recommended.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "multi-process-"));
  const file = path.join(dir, "tracks.csv");
  const [header, ...rows] = fs.readFileSync(SAMPLE_CATALOG, "utf8").trimEnd().split("\n");
  fs.writeFileSync(file, [header, ...rows.filter((row) => !removed.has(row.slice(0, 22)))].join("\n") + "\n");
  const db = createDb(process.env.E2E_DATABASE_URL!, { max: 2 });
  try {
    await seedCatalog(db, { file, artists: SAMPLE_ARTISTS, k: DEFAULT_K });
    expect(await db.track.count({ where: { id: { in: [...removed] } } })).toBe(0);

    for (const appUrl of [FIRST, second.url]) {
      const ids = await recommend(appUrl);
      expect(ids, `${appUrl} answered from the old catalog`).toHaveLength(20);
      expect(ids.filter((id) => removed.has(id)), `${appUrl} recommended songs the new catalog lacks`).toEqual([]);
    }
    for (const page of pages) {
      await page.reload();
      const ids = await shownTrackIds(page);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.filter((id) => removed.has(id)), `${page.url()} showed songs the new catalog lacks`).toEqual([]);
    }
  } finally {
    await seedCatalog(db, { file: SAMPLE_CATALOG, artists: SAMPLE_ARTISTS, k: DEFAULT_K });
    await db.$disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  await demo.close();
});

test("one user's library sync started in both processes at once ends with one complete cache", async ({ browser }) => {
  const other = await signedIn(browser, "other");
  // A library of a dozen pages, and an empty cache: each visit would fetch all of it.
  const { added } = await control<{ added: { track: { id: string } }[] }>("POST", "/users/other/saved-tracks", { count: 600 });
  const addedIds = added.map((song) => song.track.id);
  expect(addedIds).toHaveLength(600);
  const { access_token: token } = await control<{ access_token: string }>("POST", "/tokens", { userId: "other" });
  const libraryIds: string[] = [];
  try {
    for (let offset = 0, total = 1; offset < total; offset += 50) {
      const page = (await (await fetch(`${process.env.FAKE_SPOTIFY_URL}/v1/me/tracks?limit=50&offset=${offset}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as {
        total: number;
        items: { track: { id: string | null } }[];
      };
      total = page.total;
      libraryIds.push(...page.items.flatMap((item) => (item.track.id ? [item.track.id] : [])));
    }
    await query("DELETE FROM saved_track WHERE user_id = 'other'");
    await query("UPDATE spotify_user SET library_total = 0, skipped_local = 0, library_synced_at = NULL WHERE id = 'other'");
    await control("DELETE", "/requests");
    await control("POST", "/faults", { latencyMs: 200 });

    const [inFirst, inSecond] = await Promise.all([openRecommendations(other, FIRST), openRecommendations(other, second.url)]);

    const cached = (await query<{ track_id: string }>("SELECT track_id FROM saved_track WHERE user_id = 'other'")).map((r) => r.track_id);
    expect(cached.length).toBe(libraryIds.length);
    expect(new Set(cached)).toEqual(new Set(libraryIds));
    const [user] = await query<{ library_total: number }>("SELECT library_total FROM spotify_user WHERE id = 'other'");
    expect(user.library_total).toBe(libraryIds.length);
    // Both pages read the whole library ("We read 608 liked songs, but none of them is in the catalog").
    for (const page of [inFirst, inSecond]) await expect(page.locator("main")).toContainText(`${libraryIds.length} liked songs`);
    // One full sync: the process that came second waited for it and used its result (at most one
    // extra page if it arrived after the first had finished), instead of fetching everything again.
    const pages = Math.ceil(libraryIds.length / 50);
    const fetched = (await requestLog()).filter((r) => r.userId === "other" && r.path === "/v1/me/tracks").length;
    expect(fetched).toBeGreaterThanOrEqual(pages);
    expect(fetched).toBeLessThanOrEqual(pages + 1);
  } finally {
    await control("POST", "/faults", { latencyMs: 0 });
    // Back to the library the other specs expect (their next visit syncs it again).
    await control("POST", "/users/other/saved-tracks/remove", { ids: addedIds });
  }
  await other.close();
});

import { expect, test } from "@playwright/test";
import { control, query, shownTrackIds, signIn } from "./support/fixtures";

interface ControlPlaylist {
  id: string;
  name: string;
  public: boolean;
  uris: string[];
}

/** The cluster most of the user's cached liked songs fall in, straight from the database. */
async function expectedDominantCluster(userId: string) {
  const rows = await query<{ cluster_id: number; label: string; n: string }>(
    `SELECT t.cluster_id, c.label, count(*) AS n FROM saved_track s
       JOIN track t ON t.id = s.track_id JOIN cluster c ON c.id = t.cluster_id
     WHERE s.user_id = $1 GROUP BY t.cluster_id, c.label ORDER BY n DESC`,
    [userId],
  );
  expect(rows.length).toBeGreaterThan(0);
  expect(Number(rows[0].n)).toBeGreaterThan(Number(rows[1]?.n ?? 0)); // the sample's demo user has a clear winner
  return rows[0];
}

test.beforeEach(async () => {
  await control("POST", "/faults", { rate429: 0, rate5xx: 0, latencyMs: 0, failNextRequests: [] });
});

test("sign in, see recommendations from the dominant cluster, filter, export once, sign out", async ({ page }, testInfo) => {
  await signIn(page, "demo");
  await expect(page).toHaveURL(/\/recommendations/);
  await expect(page.getByTestId("dominant-label")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("recommendations.png"), fullPage: true });

  const dominant = await expectedDominantCluster("demo");
  await expect(page.getByTestId("dominant-label")).toHaveText(dominant.label);
  const ids = await shownTrackIds(page);
  expect(ids).toHaveLength(20);
  // Each song says why it was chosen; the sample is seeded with its artists' genres, shown with the
  // songs and the cluster; its format has an explicit flag, so that filter is offered.
  await expect(page.getByTestId("why")).toHaveCount(20);
  expect(await page.getByTestId("genres").count()).toBeGreaterThan(0);
  await expect(page.getByTestId("cluster-genres")).toContainText("It holds");
  await expect(page.getByLabel("Explicit songs")).toBeEnabled();
  // A favicon is declared and served (no 404 on every page).
  const icon = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(icon).toBeTruthy();
  expect((await page.request.get(icon!)).status()).toBe(200);
  const clusters = await query<{ cluster_id: number }>(`SELECT DISTINCT cluster_id FROM track WHERE id = ANY($1)`, [ids]);
  expect(clusters).toEqual([{ cluster_id: dominant.cluster_id }]);
  const liked = await query<{ n: string }>(`SELECT count(*) AS n FROM saved_track WHERE user_id = 'demo' AND track_id = ANY($1)`, [ids]);
  expect(Number(liked[0].n)).toBe(0);

  // The map draws one mark per song: the catalog sample, each matched liked song, each recommendation.
  const marks = async (group: string) =>
    (await page.locator(`svg path[data-marks="${group}"]`).evaluateAll((paths) => paths.map((p) => p.getAttribute("d") ?? "")))
      .join("").split("M").length - 1;
  const summary = await page.getByTestId("match-summary").textContent();
  const matched = Number(/^(\d+) of your/.exec(summary ?? "")?.[1]);
  expect(matched).toBeGreaterThan(0);
  expect(await marks("liked")).toBe(matched);
  expect(await marks("recommended")).toBe(20);
  expect(await marks("catalog")).toBeGreaterThan(500);

  // Raise the popularity floor: every shown song passes it (or the page says it relaxed it).
  await page.getByLabel("Minimum popularity").fill("80");
  await page.getByRole("button", { name: "Update" }).click();
  await expect(page).toHaveURL(/minPopularity=80/);
  const popularity = (await page.getByTestId("popularity").allTextContents()).map(Number);
  expect(popularity.length).toBeGreaterThan(0);
  if (!(await page.getByRole("status").isVisible())) expect(Math.min(...popularity)).toBeGreaterThanOrEqual(80);
  const shown = await shownTrackIds(page);

  // Export, double-clicked: exactly one private playlist with exactly the shown songs, in order.
  const before = await control<ControlPlaylist[]>("GET", "/users/demo/playlists");
  const save = page.getByRole("button", { name: "Save as a Spotify playlist" });
  await save.dblclick();
  await expect(page.getByTestId("export-done")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("exported.png"), fullPage: true });
  await page.getByRole("button", { name: "Save as a Spotify playlist" }).click();
  await expect(page.getByTestId("export-done")).toBeVisible();
  const playlists = await control<ControlPlaylist[]>("GET", "/users/demo/playlists");
  expect(playlists.length).toBe(before.length + 1);
  const created = playlists.find((p) => !before.some((b) => b.id === p.id))!;
  expect(created.public).toBe(false);
  expect(created.uris).toEqual(shown.map((id) => `spotify:track:${id}`));
  await expect(page.getByRole("link", { name: "open it in Spotify" })).toHaveAttribute("href", new RegExp(created.id));

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Sign in with Spotify" })).toBeVisible();
  await page.goto("/recommendations");
  await expect(page).toHaveURL(/\/signin/);
});

test("a 429 storm during library sync still ends with the right page", async ({ page }) => {
  await signIn(page, "demo");
  await expect(page.getByTestId("dominant-label")).toBeVisible();
  const expected = await expectedDominantCluster("demo");
  // Forget the cached library so the next visit fetches every page, under fire.
  await query(`DELETE FROM saved_track WHERE user_id = 'demo'`);
  await query(`UPDATE spotify_user SET library_synced_at = NULL WHERE id = 'demo'`);
  await control("DELETE", "/requests");
  await control("POST", "/faults", { rate429: 0.4, retryAfterSeconds: 1 });
  await page.reload();
  await expect(page.getByTestId("dominant-label")).toHaveText(expected.label);
  const log = await control<{ path: string; status: number }[]>("GET", "/requests");
  expect(log.filter((r) => r.path.startsWith("/v1/me/tracks") && r.status === 429).length).toBeGreaterThan(0);
  const cached = await query<{ n: string }>(`SELECT count(*) AS n FROM saved_track WHERE user_id = 'demo'`);
  const total = await query<{ library_total: number; skipped_local: number }>(`SELECT library_total, skipped_local FROM spotify_user WHERE id = 'demo'`);
  expect(Number(cached[0].n) + total[0].skipped_local).toBe(total[0].library_total);
});

test("an expired access token is refreshed silently", async ({ page }) => {
  await signIn(page, "demo");
  await expect(page.getByTestId("dominant-label")).toBeVisible();
  await control("DELETE", "/requests");
  await control("POST", "/expire-tokens");
  await page.reload();
  await expect(page.getByTestId("dominant-label")).toBeVisible();
  const log = await control<{ method: string; path: string; status: number; grantType?: string }[]>("GET", "/requests");
  expect(log.some((r) => r.path === "/v1/me/tracks" && r.status === 401)).toBe(true);
  expect(log.some((r) => r.path === "/accounts/api/token" && r.status === 200)).toBe(true);
});

test("a revoked refresh token leads to the sign-in page with a message", async ({ page, baseURL }, testInfo) => {
  await signIn(page, "demo");
  await expect(page.getByTestId("dominant-label")).toBeVisible();
  await control("POST", "/revoke-refresh-tokens", { userId: "demo" });
  await control("POST", "/expire-tokens");
  await page.reload();
  // On the app's own origin (127.0.0.1), not another host name for it.
  await expect(page).toHaveURL(`${baseURL}/signin?error=SessionExpired`);
  await expect(page.getByTestId("signin-message")).toContainText("sign in again");
  await page.screenshot({ path: testInfo.outputPath("session-expired.png"), fullPage: true });
  const tokens = await query(`SELECT 1 FROM spotify_token WHERE user_id = 'demo'`);
  expect(tokens).toHaveLength(0);
});

test("a user Spotify refuses (not on the Development Mode allow-list) sees why", async ({ page }) => {
  await signIn(page, "unlisted");
  await expect(page).toHaveURL(/error=NotAllowlisted/);
  await expect(page.getByTestId("signin-message")).toContainText("Development Mode");
});

test("the taste mix spreads recommendations over the user's clusters in proportion", async ({ page }) => {
  await signIn(page, "demo");
  await expect(page.getByTestId("dominant-label")).toBeVisible();
  await page.getByLabel("From").selectOption("mix");
  await page.getByRole("button", { name: "Update" }).click();
  await expect(page).toHaveURL(/mode=mix/);
  const ids = await shownTrackIds(page);
  expect(ids).toHaveLength(20);
  const perCluster = await query<{ cluster_id: number; n: string }>(
    `SELECT cluster_id, count(*) AS n FROM track WHERE id = ANY($1) GROUP BY cluster_id ORDER BY n DESC`,
    [ids],
  );
  expect(perCluster.length).toBeGreaterThan(1);
  const dominant = await expectedDominantCluster("demo");
  expect(perCluster[0].cluster_id).toBe(dominant.cluster_id);
});

test("at phone width (390 px) the recommendations page does not scroll sideways, even with long cluster labels", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, "demo");
  await expect(page.getByTestId("dominant-label")).toBeVisible();
  await expect(page.getByTestId("why").first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("recommendations-390.png"), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

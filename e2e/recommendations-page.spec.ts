// The recommendations page on a phone and on a desktop: layout, listening in place, "Not for me",
// the mix mode's words and tags, the charts' legends, the Save action.
import { expect, test, type Locator, type Page } from "@playwright/test";
import { query, shownTrackIds, signIn } from "./support/fixtures";

const row = (page: Page, index: number) => page.locator("[data-testid=recommendations] > li").nth(index);

async function signedIn(page: Page, path = "/recommendations") {
  await signIn(page, "demo");
  await expect(page.getByTestId("dominant-label")).toBeVisible();
  if (path !== "/recommendations") await page.goto(path);
  await expect(page.getByTestId("recommendations")).toBeVisible();
}

/** How many lines of text an element shows (its height over its line height). */
function shownLines(element: Locator): Promise<number> {
  return element.evaluate((el) => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)));
}

async function trackRows(ids: string[]) {
  return query<{ id: string; name: string; artists: string[]; primary_artist: string; cluster_id: number; label: string }>(
    `SELECT t.id, t.name, t.artists, t.primary_artist, t.cluster_id, c.label FROM track t JOIN cluster c ON c.id = t.cluster_id WHERE t.id = ANY($1)`,
    [ids],
  );
}

// "Not for me" is stored per user: every test starts and ends with nothing hidden.
test.beforeEach(async () => {
  await query(`DELETE FROM user_exclusions`);
});
test.afterAll(async () => {
  await query(`DELETE FROM user_exclusions`);
});

for (const width of [390, 1280]) {
  test(`at ${width} px: no sideways scroll, every row's title, artists and why on at most two lines, Save in reach`, async ({ page }, testInfo) => {
    await page.setViewportSize({ width, height: 844 });
    await signedIn(page);
    await page.screenshot({ path: testInfo.outputPath(`recommendations-${width}.png`), fullPage: true });
    await testInfo.attach(`recommendations-${width}`, { path: testInfo.outputPath(`recommendations-${width}.png`), contentType: "image/png" });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

    const rows = page.locator("[data-testid=recommendations] > li");
    await expect(rows).toHaveCount(20);
    for (let i = 0; i < 20; i++) {
      const title = rows.nth(i).locator("a").first();
      const details = rows.nth(i).locator("p").first();
      const why = rows.nth(i).getByTestId("why");
      for (const part of [title, details, why]) expect(await shownLines(part)).toBeLessThanOrEqual(2);
      // What a clamp cuts off is still there in full, as the element's title.
      expect(await title.getAttribute("title")).toBe(await title.textContent());
      expect(await why.getAttribute("title")).toBe(await why.textContent());
    }

    // The Save button stays on screen while the list scrolls by.
    await rows.nth(15).scrollIntoViewIfNeeded();
    await expect(rows.nth(15)).toBeInViewport();
    await expect(page.getByRole("button", { name: "Save as a Spotify playlist" })).toBeInViewport();
  });
}

test("Preview opens Spotify's player for that song in place, one at a time, and only when asked", async ({ page }) => {
  await signedIn(page);
  const csp = (await page.request.get("/recommendations")).headers()["content-security-policy"];
  const frameSrc = csp.split(";").map((d) => d.trim()).find((d) => d.startsWith("frame-src "));
  expect(frameSrc).toBe("frame-src https://open.spotify.com");

  const ids = await shownTrackIds(page);
  const [second] = await trackRows([ids[1]]);
  await expect(page.locator("iframe")).toHaveCount(0);
  for (let i = 0; i < 20; i++) await expect(row(page, i).getByRole("button", { name: /^Preview “/ })).toHaveCount(1);

  await row(page, 1).getByRole("button", { name: `Preview “${second.name}” by ${second.artists.join(", ")}` }).click();
  await expect(page.locator("iframe")).toHaveCount(1);
  await expect(row(page, 1).locator("iframe")).toHaveAttribute("src", `https://open.spotify.com/embed/track/${ids[1]}`);
  await expect(row(page, 1).getByRole("button", { name: /^Preview/ })).toHaveAttribute("aria-expanded", "true");
  // The title still links to the song on Spotify.
  await expect(row(page, 1).getByRole("link").first()).toHaveAttribute("href", `https://open.spotify.com/track/${ids[1]}`);

  await row(page, 2).getByRole("button", { name: /^Preview/ }).click();
  await expect(page.locator("iframe")).toHaveCount(1);
  await expect(row(page, 2).locator("iframe")).toHaveAttribute("src", `https://open.spotify.com/embed/track/${ids[2]}`);
  await expect(row(page, 1).locator("iframe")).toHaveCount(0);

  // The controls show where the keyboard is.
  await row(page, 3).getByRole("button", { name: /^Preview/ }).focus();
  await page.keyboard.press("Tab");
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  expect(outline).toBe("solid");
});

test("Not for me hides a song (the next one fills in), Undo brings it back; hiding an artist hides all their songs", async ({ page }) => {
  await signedIn(page);
  const before = await shownTrackIds(page);
  expect(before).toHaveLength(20);
  // A song whose artist has fewer than 3 songs in the list (the cap per artist): hiding it frees no
  // slot for another song of that artist, so the next best song overall comes in, at the end.
  const shown = new Map((await trackRows(before)).map((t) => [t.id, t]));
  const songsBy = (artist: string) => before.filter((id) => shown.get(id)!.primary_artist === artist).length;
  const index = before.findIndex((id, i) => i > 0 && songsBy(shown.get(id)!.primary_artist) < 3);
  expect(index).toBeGreaterThan(0);
  const hidden = shown.get(before[index])!;

  await row(page, index).getByRole("button", { name: /^Not for me/ }).click();
  await expect(page.locator(`[data-track-id="${hidden.id}"]`)).toHaveCount(0);
  const after = await shownTrackIds(page);
  expect(after).toHaveLength(20);
  expect(after.slice(0, 19)).toEqual(before.filter((id) => id !== hidden.id));
  expect(before).not.toContain(after[19]);
  await expect(page.getByTestId("hidden-list")).toContainText(`“${hidden.name}”`);
  expect(await query(`SELECT kind, value FROM user_exclusions WHERE user_id = 'demo'`)).toEqual([{ kind: "track", value: hidden.id }]);

  await page.getByTestId("hidden-list").getByRole("button", { name: /^Undo/ }).click();
  await expect(page.getByTestId("hidden-list")).toHaveCount(0);
  await expect.poll(() => shownTrackIds(page)).toEqual(before);

  // Every song by the first row's artist goes; the list stays full.
  const [first] = await trackRows([before[0]]);
  const artist = first.artists[0];
  const byArtist = (await trackRows(before)).filter((t) => t.artists.includes(artist)).map((t) => t.id);
  expect(byArtist.length).toBeGreaterThan(0);
  await row(page, 0).locator("summary").click(); // "More"
  await row(page, 0).getByRole("button", { name: `Hide all songs by ${artist}` }).click();
  await expect(page.getByTestId("hidden-list")).toContainText(`all songs by ${artist}`);
  const withoutArtist = await shownTrackIds(page);
  expect(withoutArtist).toHaveLength(20);
  for (const id of byArtist) expect(withoutArtist).not.toContain(id);
  expect((await trackRows(withoutArtist)).filter((t) => t.artists.some((a) => a.toLowerCase() === artist.toLowerCase()))).toEqual([]);
});

test("mix mode says so: headline, a cluster tag per song in the legend's colours; a repeat save says the playlist was updated", async ({ page }) => {
  await signedIn(page, "/recommendations?mode=mix");
  await expect(page.getByTestId("mode-headline")).toContainText("Your taste mix");
  await expect(page.getByTestId("mode-headline")).not.toContainText("Your cluster");

  const ids = await shownTrackIds(page);
  const tracks = new Map((await trackRows(ids)).map((t) => [t.id, t]));
  const legendColor = async (clusterId: number) =>
    page.getByTestId("map-legend").locator(`li[data-cluster-id="${clusterId}"] span`).first().evaluate((el) => getComputedStyle(el).backgroundColor);
  const mixColor = async (clusterId: number) =>
    page.getByTestId("taste-mix").locator(`li[data-cluster-id="${clusterId}"] span`).first().evaluate((el) => getComputedStyle(el).backgroundColor);
  for (let i = 0; i < ids.length; i++) {
    const tag = row(page, i).getByTestId("cluster-tag");
    const track = tracks.get(ids[i])!;
    await expect(tag).toHaveAttribute("data-cluster-id", String(track.cluster_id));
    await expect(tag).toHaveText(track.label);
    const tagColor = await tag.locator("span").first().evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(tagColor).toBe(await legendColor(track.cluster_id));
    expect(tagColor).toBe(await mixColor(track.cluster_id));
  }
  expect(new Set([...tracks.values()].map((t) => t.cluster_id)).size).toBeGreaterThan(1);

  // The legend names every cluster of the catalog, the user's first.
  const clusters = await query<{ id: number; label: string }>(`SELECT id, label FROM cluster ORDER BY id`);
  await expect(page.getByTestId("map-legend").locator("li")).toHaveCount(clusters.length);
  const yours = await page.getByTestId("taste-mix").locator("li").count();
  const legendTexts = await page.getByTestId("map-legend").locator("li").allTextContents();
  expect(legendTexts.slice(0, yours).every((text) => text.includes("yours"))).toBe(true);
  expect(legendTexts.slice(yours).some((text) => text.includes("yours"))).toBe(false);

  const save = page.getByRole("button", { name: "Save as a Spotify playlist" });
  await save.click();
  await expect(page.getByTestId("export-done")).toContainText("Saved 20 songs");
  await save.click();
  await expect(page.getByTestId("export-done")).toContainText("Updated your private playlist");
});

test("in dominant mode the headline names the cluster and rows have no cluster tag; marks and legends are drawn as explained", async ({ page }) => {
  await signedIn(page);
  await expect(page.getByTestId("mode-headline")).toContainText("Your cluster:");
  await expect(page.getByTestId("cluster-tag")).toHaveCount(0);
  // On the map the recommendations are drawn last: above the liked songs and the catalog.
  const layers = await page.locator("svg path[data-marks]").evaluateAll((paths) => paths.map((p) => p.getAttribute("data-marks")));
  expect(layers.slice(-2)).toEqual(["liked", "recommended"]);
  // The radar's legend draws lines like its marks, not filled squares.
  await expect(page.getByTestId("profile-legend").locator("svg line")).toHaveCount(2);
  await expect(page.getByTestId("profile-legend").locator("svg line").nth(1)).toHaveAttribute("stroke-dasharray", /\d/);
});

test("Not for me and Undo work without JavaScript (plain forms)", async ({ page, browser, baseURL }) => {
  await signedIn(page);
  const before = await shownTrackIds(page);
  const noScript = await browser.newContext({ javaScriptEnabled: false, baseURL, storageState: await page.context().storageState() });
  try {
    const plain = await noScript.newPage();
    await plain.goto("/recommendations");
    await plain.locator(`[data-track-id="${before[0]}"]`).getByRole("button", { name: /^Not for me/ }).click();
    await expect(plain.getByTestId("hidden-list")).toBeVisible();
    await expect(plain.locator(`[data-track-id="${before[0]}"]`)).toHaveCount(0);
    await expect(plain.locator("[data-testid=recommendations] > li")).toHaveCount(20);
    await plain.getByTestId("hidden-list").getByRole("button", { name: /^Undo/ }).click();
    await expect(plain.getByTestId("hidden-list")).toHaveCount(0);
    await expect(plain.locator(`[data-track-id="${before[0]}"]`)).toHaveCount(1);
  } finally {
    await noScript.close();
  }
});

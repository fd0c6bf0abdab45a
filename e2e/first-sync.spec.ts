// A first visit with a big library streams how far the read of the liked songs has got, then the
// recommendations; a return visit shows the recommendations without any progress screen.
import { expect, test } from "@playwright/test";
import { control, query, signIn } from "./support/fixtures";

const EXTRA_SONGS = 20_000;

test.beforeEach(async () => {
  await control("POST", "/faults", { rate429: 0, rate5xx: 0, latencyMs: 0, failNextRequests: [] });
});

test("first visit with 20,000 liked songs: 'Reading your liked songs: N of M', then the recommendations; a return visit skips it", async ({
  page,
}) => {
  const { added } = await control<{ added: { track: { id: string } }[]; total: number }>("POST", "/users/demo/saved-tracks", {
    count: EXTRA_SONGS,
  });
  try {
    // Nothing cached for demo yet: this visit reads every page.
    await query(`DELETE FROM saved_track WHERE user_id = 'demo'`);
    await query(`UPDATE spotify_user SET library_synced_at = NULL WHERE id = 'demo'`);
    // Every Spotify answer takes a while, as real Spotify's do under a big library.
    await control("POST", "/faults", { latencyMs: 100 });

    await signIn(page, "demo");
    // Visible only: while React swaps a step in, the next one already sits in a hidden container.
    const line = page.getByTestId("sync-progress-line").filter({ visible: true });
    await expect(line).toHaveText(/^Reading your liked songs: [\d,]+ of [\d,]+$/);
    const [, read, total] = /: ([\d,]+) of ([\d,]+)$/.exec((await line.textContent())!)!.map((n) => Number(n.replaceAll(",", "")));
    expect(total).toBeGreaterThan(EXTRA_SONGS);
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(total);
    // The header is there while it reads.
    await expect(page.locator("header").getByText("Demo Listener")).toBeVisible();

    await expect(page.getByTestId("dominant-label")).toBeVisible({ timeout: 90_000 });
    await expect(page.getByTestId("sync-progress")).toHaveCount(0);
    await expect(page.locator("header")).toHaveCount(1); // the page's own: the progress screen's is gone
    // Every song it counted was read: stored, or skipped as a local file.
    const [{ n, skipped }] = await query<{ n: string; skipped: number }>(
      `SELECT (SELECT count(*) FROM saved_track WHERE user_id = 'demo') AS n, skipped_local AS skipped FROM spotify_user WHERE id = 'demo'`,
    );
    expect(Number(n) + skipped).toBe(total);

    // Return visit: the library is cached, so the page comes whole, with no progress in it.
    const html = await (await page.request.get("/recommendations")).text();
    expect(html).toContain('data-testid="dominant-label"');
    expect(html).not.toContain("sync-progress");
    expect(html).not.toContain("Reading your liked songs");
    await page.goto("/recommendations");
    await expect(page.getByTestId("dominant-label")).toBeVisible();
    await expect(page.getByTestId("sync-progress")).toHaveCount(0);
  } finally {
    await control("POST", "/faults", { latencyMs: 0 });
    await control("POST", "/users/demo/saved-tracks/remove", { ids: added.map((a) => a.track.id) });
  }
});

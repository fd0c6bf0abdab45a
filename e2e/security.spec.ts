// Security properties of the running app: session cookie flags, Spotify tokens never
// reaching the browser, security headers, isolation between two users, and the export
// server action refusing cross-origin requests (CSRF).
import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext, type BrowserContext, type Page } from "@playwright/test";
import { decode } from "next-auth/jwt";
import { openSecret } from "../lib/spotify/secret-box";
import { control, query, signIn } from "./support/fixtures";
import { markServerLog } from "./support/server-log";

interface ControlPlaylist {
  id: string;
  name: string;
  uris: string[];
}

interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  userId?: string;
}

const FOREIGN_ORIGIN = "http://evil.example";

/** The secret the stack gave `next start` (scripts/stack.ts): NEXTAUTH_SECRET, else the demo secret file. */
function appSecret(): string {
  return process.env.NEXTAUTH_SECRET ?? fs.readFileSync(path.resolve(".data/demo-secret"), "utf8").trim();
}

/**
 * The Spotify tokens the app currently holds for `userId`, decrypted from spotify_token.
 * (The fake has no control endpoint that lists issued tokens; the stored pair is the current one.)
 */
async function currentTokens(userId: string): Promise<string[]> {
  const rows = await query<{ access_token: string; refresh_token: string }>(
    `SELECT access_token, refresh_token FROM spotify_token WHERE user_id = $1`,
    [userId],
  );
  expect(rows).toHaveLength(1);
  const secret = appSecret();
  const tokens = [openSecret(rows[0].access_token, secret), openSecret(rows[0].refresh_token, secret)];
  expect(tokens[0]).toMatch(/^fake-access-/);
  expect(tokens[1]).toMatch(/^fake-refresh-/);
  // Stored sealed, not in clear.
  expect(rows[0].access_token).not.toContain(tokens[0]);
  expect(rows[0].refresh_token).not.toContain(tokens[1]);
  return tokens;
}

/** Things that must never reach the browser: the current tokens, any fake token, the client and app secrets. */
function secretsToLookFor(tokens: string[]): string[] {
  return [...tokens, "fake-access-", "fake-refresh-", "fake-client-secret", appSecret()];
}

function expectNoSecret(where: string, text: string, secrets: string[]) {
  for (const secret of secrets) {
    expect(text.includes(secret), `${where} contains ${secret.slice(0, 16)}…`).toBe(false);
  }
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/** Every dot-separated base64url part of a cookie value, decoded. */
function decodedParts(value: string): string[] {
  const raw = decodeURIComponent(value);
  return [raw, ...raw.split(".").map((part) => Buffer.from(part, "base64url").toString("utf8"))];
}

/**
 * What the browser sends when the export button is pressed: the request is captured and
 * aborted, so nothing is exported; the tests replay it with other origins and cookies.
 */
async function captureExportRequest(page: Page, url: string) {
  await page.goto(url);
  await expect(page.getByTestId("dominant-label")).toBeVisible();
  let captured: { headers: Record<string, string>; body: Buffer; url: string } | undefined;
  await page.route(
    (u) => u.pathname === "/recommendations",
    async (route) => {
      const request = route.request();
      const headers = await request.allHeaders();
      if (request.method() !== "POST" || !headers["next-action"]) return route.continue();
      captured = { headers, body: request.postDataBuffer() ?? Buffer.alloc(0), url: request.url() };
      await route.abort();
    },
  );
  await page.getByRole("button", { name: "Save as a Spotify playlist" }).click();
  await expect.poll(() => captured !== undefined).toBe(true);
  await page.unrouteAll({ behavior: "ignoreErrors" });
  const { headers, body } = captured!;
  expect(headers["content-type"]).toBeTruthy();
  return {
    url: captured!.url,
    actionId: headers["next-action"],
    /** Replays the captured action with `origin` (or none) through `api` (whose cookies it carries). */
    replay(api: APIRequestContext, origin: string | null) {
      return api.post(captured!.url, {
        headers: {
          "content-type": headers["content-type"],
          "next-action": headers["next-action"],
          ...(headers["next-router-state-tree"] ? { "next-router-state-tree": headers["next-router-state-tree"] } : {}),
          accept: headers.accept ?? "text/x-component",
          ...(origin === null ? {} : { origin }),
        },
        data: body,
        maxRedirects: 0,
      });
    },
  };
}

async function exportRows(userId: string): Promise<number> {
  const rows = await query<{ n: string }>(`SELECT count(*) AS n FROM playlist_export WHERE user_id = $1`, [userId]);
  return Number(rows[0].n);
}

test.beforeEach(async () => {
  await control("POST", "/faults", { rate429: 0, rate5xx: 0, latencyMs: 0, failNextRequests: [] });
});

test("the session cookie is httpOnly and SameSite=Lax, and holds no Spotify token", async ({ page, context }) => {
  await signIn(page, "demo");
  await expect(page.getByTestId("dominant-label")).toBeVisible();
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === "next-auth.session-token" || c.name === "__Secure-next-auth.session-token");
  expect(session, `cookies: ${cookies.map((c) => c.name).join(", ")}`).toBeDefined();
  expect(session!.httpOnly).toBe(true);
  expect(session!.sameSite).toBe("Lax");
  expect(session!.path).toBe("/");
  // NEXTAUTH_URL is http://127.0.0.1 here, so Secure is (correctly) off; https is not tested.
  expect(session!.secure).toBe(false);
  // Every next-auth cookie is out of reach of page scripts.
  for (const cookie of cookies.filter((c) => c.name.includes("next-auth"))) {
    expect(cookie.httpOnly, cookie.name).toBe(true);
    expect(cookie.sameSite, cookie.name).toBe("Lax");
  }
  expect(await page.evaluate(() => document.cookie)).not.toContain("session-token");

  // The cookie is an encrypted JWT whose payload says who the user is, and nothing more.
  const payload = await decode({ token: session!.value, secret: appSecret() });
  expect(payload?.sub).toBe("demo");
  expect(Object.keys(payload!).sort()).toEqual(["exp", "iat", "jti", "name", "sub"]);
});

test("Spotify tokens never reach the browser, the build, the cookies, the URLs or the fake's log", async ({ page, context }) => {
  const urls: string[] = [];
  page.on("request", (request) => urls.push(request.url()));
  page.on("framenavigated", (frame) => urls.push(frame.url()));
  await control("DELETE", "/requests");

  await signIn(page, "demo");
  await expect(page.getByTestId("dominant-label")).toBeVisible();
  // Force one refresh too, so a refreshed pair is what we look for.
  await control("POST", "/expire-tokens");
  await page.reload();
  await expect(page.getByTestId("dominant-label")).toBeVisible();

  const tokens = await currentTokens("demo");
  const secrets = secretsToLookFor(tokens);

  // Rendered HTML (with the inline RSC payload), as the browser got it and as the DOM now is.
  const html = await (await page.request.get("/recommendations")).text();
  expect(html).toContain('data-testid="dominant-label"');
  expectNoSecret("GET /recommendations HTML", html, secrets);
  expectNoSecret("the DOM of /recommendations", await page.content(), secrets);
  // The RSC (client navigation) payload of the page.
  const rsc = await page.request.get("/recommendations", { headers: { RSC: "1" } });
  expectNoSecret("the RSC payload of /recommendations", await rsc.text(), secrets);
  // Browser storage.
  const storage = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }));
  expectNoSecret("web storage", storage, secrets);

  // Every file the build serves to browsers.
  const staticFiles = filesUnder(path.resolve(".next/static"));
  expect(staticFiles.length).toBeGreaterThan(0);
  for (const file of staticFiles) expectNoSecret(file, fs.readFileSync(file, "latin1"), secrets);

  // Cookie values, raw and with each base64url part decoded.
  for (const cookie of await context.cookies()) {
    for (const part of decodedParts(cookie.value)) expectNoSecret(`cookie ${cookie.name}`, part, secrets);
  }

  // Every URL the browser requested or navigated to (the OAuth redirect carries a code, never a token).
  expect(urls.some((u) => u.includes("/api/auth/callback/spotify?code="))).toBe(true);
  for (const url of urls) {
    expectNoSecret(`URL ${url}`, decodeURIComponent(url), secrets);
    expect(new URL(url).hash).not.toMatch(/access_token/);
  }

  // Query strings the fake Spotify received (the app sends tokens in headers or bodies only).
  const log = await control<LoggedRequest[]>("GET", "/requests");
  expect(log.some((r) => r.path === "/v1/me/tracks")).toBe(true);
  for (const entry of log) {
    expectNoSecret(`query of ${entry.method} ${entry.path}`, JSON.stringify(entry.query), secrets);
    expect(Object.keys(entry.query)).not.toContain("access_token");
  }
});

/** The directive `name` of a CSP header value, as its list of sources ([] when absent). */
function directive(csp: string, name: string): string[] {
  const found = csp.split(";").map((d) => d.trim().split(/\s+/)).find(([n]) => n === name);
  return found ? found.slice(1) : [];
}

/** The nonce in a CSP's script-src, or undefined. */
function scriptNonce(csp: string): string | undefined {
  return directive(csp, "script-src").map((s) => /^'nonce-([A-Za-z0-9+/_-]+={0,2})'$/.exec(s)?.[1]).find(Boolean);
}

test("security headers on pages, the API, static files and 404s", async ({ page, request }) => {
  // Every CSP complaint the browser logs while signing in and rendering the pages (a script without the nonce would be one).
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await signIn(page, "demo");
  await expect(page.getByTestId("dominant-label")).toBeVisible();
  const scriptSrc = await page.locator("script[src]").first().getAttribute("src");
  const pages = [
    ["GET /", await request.get("/")],
    ["GET /signin", await request.get("/signin")],
    ["GET /recommendations (signed in)", await page.request.get("/recommendations")],
    ["GET a missing page", await request.get("/no-such-page")],
  ] as const;
  const others = [
    ["GET /api/health", await request.get("/api/health")],
    ["POST /api/recommendations (400)", await request.post("/api/recommendations", { data: "{}", headers: { "Content-Type": "application/json" } })],
    ["GET a static script", await request.get(scriptSrc!)],
  ] as const;
  for (const [what, response] of [...pages, ...others]) {
    const headers = response.headers();
    const csp = headers["content-security-policy"] ?? "";
    expect(csp, what).toContain("frame-ancestors 'none'");
    expect(csp, what).toContain("default-src 'self'");
    expect(csp, what).toContain("object-src 'none'");
    expect(csp, what).toContain("form-action 'self'");
    expect(csp, what).not.toContain("'unsafe-eval'"); // production build
    expect(headers["x-frame-options"], what).toBe("DENY");
    expect(headers["referrer-policy"], what).toBe("strict-origin-when-cross-origin");
    expect(headers["x-content-type-options"], what).toBe("nosniff");
    expect(headers["x-powered-by"], what).toBeUndefined();
    // One policy, not two: with two, the browser would enforce both.
    expect(response.headersArray().filter((h) => h.name.toLowerCase() === "content-security-policy"), what).toHaveLength(1);
    expect(directive(csp, "script-src"), what).not.toContain("'unsafe-inline'");
  }

  // Pages: scripts need this response's nonce, and every script Next rendered carries it.
  for (const [what, response] of pages) {
    const csp = response.headers()["content-security-policy"];
    const scriptSources = directive(csp, "script-src");
    const nonce = scriptNonce(csp);
    expect(nonce, `${what}: ${csp}`).toMatch(/^[A-Za-z0-9+/]{16,}={0,2}$/);
    expect(scriptSources, what).toContain("'strict-dynamic'");
    const scripts = (await response.text()).match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length, what).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag, what).toContain(`nonce="${nonce}"`);
  }
  // A fresh nonce per request.
  const nonces = [];
  for (let i = 0; i < 2; i++) nonces.push(scriptNonce((await request.get("/signin")).headers()["content-security-policy"] ?? ""));
  expect(nonces[0]).toBeTruthy();
  expect(nonces[1]).toBeTruthy();
  expect(nonces[0]).not.toBe(nonces[1]);
  // API routes and static files: no nonce, so no inline script may run there at all.
  for (const [what, response] of others) {
    expect(scriptNonce(response.headers()["content-security-policy"]), what).toBeUndefined();
  }
  expect(violations).toEqual([]);
});

test("a script injected into a page without the nonce is blocked; Next's scripts and one with the nonce run", async ({ page }) => {
  // Stored XSS, simulated: /signin as served (same CSP header, same nonce) with markup added to the HTML.
  // (A script appended from page.evaluate would not do: it ran despite the CSP when tried, as DevTools-run code.)
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  let nonce: string | undefined;
  await page.route(
    (url) => url.pathname === "/signin" && url.search === "",
    async (route) => {
      const response = await route.fetch();
      nonce = scriptNonce(response.headers()["content-security-policy"] ?? "");
      const injected =
        `<script>window.__pwned = "inline script"</script>` +
        `<img alt="" src="data:," onload="window.__pwned = 'onload'" onerror="window.__pwned = 'onerror'">` +
        `<script nonce="${nonce}">window.__withNonce = 1</script>`;
      const html = await response.text();
      expect(html).toContain("</body>");
      await route.fulfill({ response, body: html.replace("</body>", `${injected}</body>`) });
    },
  );
  await page.goto("/signin");
  expect(nonce).toBeTruthy();

  const window_ = () => page.evaluate(() => {
    const w = window as unknown as { __pwned?: string; __withNonce?: number; __violations: string[] };
    return { pwned: w.__pwned, withNonce: w.__withNonce, violations: w.__violations };
  });
  await expect.poll(async () => (await window_()).violations).toEqual(
    expect.arrayContaining(["script-src-elem inline", "script-src-attr inline"]),
  );
  const seen = await window_();
  expect(seen.pwned).toBeUndefined();
  // Control: the same kind of script carrying the response's nonce runs, so the missing nonce is what blocked the others.
  expect(seen.withNonce).toBe(1);
  // Next's scripts ran: the page hydrated (the button's click handler starts the OAuth flow).
  await page.getByRole("button", { name: "Sign in with Spotify" }).click();
  await expect(page.getByRole("button", { name: "Agree" })).toBeVisible();
});

test("two users: each sees only their own library, and the export action acts only for the cookie's user", async ({
  page,
  browser,
  baseURL,
  request,
}) => {
  await signIn(page, "demo");
  await expect(page.getByTestId("dominant-label")).toBeVisible();
  const demoLiked = (await query<{ track_id: string }>(`SELECT track_id FROM saved_track WHERE user_id = 'demo'`)).map((r) => r.track_id);
  const demoTop = await query<{ cluster_id: number }>(
    `SELECT t.cluster_id FROM saved_track s JOIN track t ON t.id = s.track_id WHERE s.user_id = 'demo'
     GROUP BY t.cluster_id ORDER BY count(*) DESC LIMIT 1`,
  );

  // Give `other` six liked songs from a cluster that is not demo's, so their page must differ.
  const [target] = await query<{ id: number; label: string }>(
    `SELECT c.id, c.label FROM cluster c WHERE c.id <> $1 ORDER BY c.size DESC LIMIT 1`,
    [demoTop[0].cluster_id],
  );
  const added = await query<{ id: string; name: string; artists: string[] }>(
    `SELECT id, name, artists FROM track WHERE cluster_id = $1 AND id <> ALL($2) ORDER BY popularity DESC, id LIMIT 6`,
    [target.id, demoLiked],
  );
  expect(added).toHaveLength(6);
  await control("POST", "/users/other/saved-tracks", { tracks: added.map((t) => ({ id: t.id, name: t.name, artists: t.artists })) });

  const otherContext: BrowserContext = await browser.newContext({ baseURL });
  try {
    const otherPage = await otherContext.newPage();
    await signIn(otherPage, "other");
    await expect(otherPage).toHaveURL(/\/recommendations/);
    await expect(otherPage.getByTestId("dominant-label")).toHaveText(target.label);
    await expect(otherPage.getByTestId("user-name")).not.toHaveText("Demo Listener");
    await expect(page.getByTestId("user-name")).toHaveText("Demo Listener");

    // The database holds each user's own liked songs: other's are exactly the fake's library for other.
    const fixture = JSON.parse(fs.readFileSync(path.resolve("e2e/fake-spotify/fixtures/other-user.json"), "utf8")) as {
      savedTracks: { id: string | null }[];
    };
    const expectedOther = [...fixture.savedTracks.flatMap((t) => (t.id ? [t.id] : [])), ...added.map((t) => t.id)].sort();
    const otherLiked = (await query<{ track_id: string }>(`SELECT track_id FROM saved_track WHERE user_id = 'other'`)).map((r) => r.track_id).sort();
    expect(otherLiked).toEqual(expectedOther);
    expect(otherLiked.filter((id) => demoLiked.includes(id))).toEqual([]);

    // The match summary and the dominant cluster are computed from other's songs.
    const summary = await otherPage.getByTestId("match-summary").textContent();
    expect(summary).toMatch(new RegExp(`^\\d+ of your ${otherLiked.length} liked songs are in the catalog`));
    const otherTop = await query<{ cluster_id: number; n: string }>(
      `SELECT t.cluster_id, count(*) AS n FROM saved_track s JOIN track t ON t.id = s.track_id WHERE s.user_id = 'other'
       GROUP BY t.cluster_id ORDER BY n DESC`,
    );
    expect(otherTop[0].cluster_id).toBe(target.id);
    expect(otherTop[0].cluster_id).not.toBe(demoTop[0].cluster_id);
    const otherHtml = await otherPage.content();
    expect(otherHtml).not.toContain("Demo Listener");
    const otherShown = await otherPage.locator("[data-testid=recommendations] li").evaluateAll((items) => items.map((li) => li.getAttribute("data-track-id")!));
    const shownClusters = await query<{ cluster_id: number }>(`SELECT DISTINCT cluster_id FROM track WHERE id = ANY($1)`, [otherShown]);
    expect(shownClusters).toEqual([{ cluster_id: target.id }]);

    // demo's export request, replayed without demo's cookie: nothing is created for demo.
    const exportRequest = await captureExportRequest(page, "/recommendations?limit=30");
    const demoPlaylists = (await control<ControlPlaylist[]>("GET", "/users/demo/playlists")).length;
    const otherPlaylists = (await control<ControlPlaylist[]>("GET", "/users/other/playlists")).length;
    const demoExports = await exportRows("demo");
    const sameOrigin = new URL(baseURL!).origin;

    const anonymous = await exportRequest.replay(request, sameOrigin);
    expect(anonymous.status()).toBeLessThan(500);
    expect(await anonymous.text()).toContain("Please sign in again.");
    expect((await control<ControlPlaylist[]>("GET", "/users/demo/playlists")).length).toBe(demoPlaylists);
    expect(await exportRows("demo")).toBe(demoExports);

    // With other's cookie the same request can only ever act for other, never on demo's account.
    const asOther = await exportRequest.replay(otherContext.request, sameOrigin);
    expect(asOther.status()).toBe(200);
    expect((await control<ControlPlaylist[]>("GET", "/users/demo/playlists")).length).toBe(demoPlaylists);
    expect(await exportRows("demo")).toBe(demoExports);
    expect((await control<ControlPlaylist[]>("GET", "/users/other/playlists")).length).toBe(otherPlaylists + 1);
  } finally {
    await otherContext.close();
    await control("POST", "/users/other/saved-tracks/remove", { ids: added.map((t) => t.id) });
  }
});

test("the export server action refuses cross-origin POSTs (CSRF), even carrying the session cookie", async ({
  page,
  context,
  browser,
  baseURL,
}) => {
  await signIn(page, "demo");
  await expect(page.getByTestId("dominant-label")).toBeVisible();
  const exportRequest = await captureExportRequest(page, "/recommendations?limit=10");
  expect(exportRequest.actionId).toMatch(/^[0-9a-f]{40,}$/);

  // The no-JavaScript form post (what a hostile page's auto-submitted <form> would send): the form's fields as rendered.
  const noScript = await browser.newContext({ baseURL, javaScriptEnabled: false, storageState: await context.storageState() });
  const formPage = await noScript.newPage();
  await formPage.goto("/recommendations?limit=15");
  const formFields = await formPage
    .locator("form", { has: formPage.getByRole("button", { name: "Save as a Spotify playlist" }) })
    .locator("input")
    .evaluateAll((inputs) => inputs.map((i) => [(i as HTMLInputElement).name, (i as HTMLInputElement).value] as [string, string]));
  await noScript.close();
  expect(formFields.some(([name]) => name.startsWith("$ACTION_"))).toBe(true);
  const postForm = (origin: string) =>
    context.request.post("/recommendations?limit=15", {
      headers: { origin },
      multipart: Object.fromEntries(formFields),
      maxRedirects: 0,
    });

  const before = (await control<ControlPlaylist[]>("GET", "/users/demo/playlists")).length;
  const exportsBefore = await exportRows("demo");
  await control("DELETE", "/requests");

  // Foreign, opaque ("null": sandboxed iframes, data: URLs) and same-host-other-port origins, with demo's cookie.
  const sameOrigin = new URL(baseURL!).origin;
  const otherPort = `http://127.0.0.1:${Number(new URL(baseURL!).port) + 1}`;
  const foreignOrigins = [FOREIGN_ORIGIN, "null", otherPort, "https://127.0.0.1.evil.example"];
  const serverLog = markServerLog();
  for (const origin of foreignOrigins) {
    const response = await exportRequest.replay(context.request, origin);
    const body = await response.text();
    const refused = response.status() >= 400 || !/"status":"done"/.test(body);
    expect(refused, `fetch action from ${origin}: ${response.status()} ${body.slice(0, 200)}`).toBe(true);
    expect(body).not.toContain("open.spotify.com/playlist");

    const form = await postForm(origin);
    expect(form.status(), `form post from ${origin}`).toBeGreaterThanOrEqual(400);
  }
  const log = await control<LoggedRequest[]>("GET", "/requests");
  expect(log.filter((r) => r.method === "POST" && r.path.includes("playlists"))).toEqual([]);
  expect((await control<ControlPlaylist[]>("GET", "/users/demo/playlists")).length).toBe(before);
  expect(await exportRows("demo")).toBe(exportsBefore);
  // Next refused each of them itself, and said so in the server's log (e2e-logs/): the fetch and the
  // form post from every foreign origin, named by its host.
  const refusedOrigins = () =>
    [...serverLog.text().matchAll(/does not match `origin` header with value `([^`]*)` from a forwarded Server Actions request\. Aborting the action\./g)]
      .map((m) => m[1])
      .sort();
  const hostOf = (origin: string) => (origin === "null" ? "null" : new URL(origin).host);
  await expect.poll(refusedOrigins).toEqual(foreignOrigins.flatMap((o) => [hostOf(o), hostOf(o)]).sort());
  expect(serverLog.text()).toContain("Error: Invalid Server Actions request.");

  // Control: the very same requests from the app's own origin do export, so the refusals above were the Origin check.
  const fromApp = await exportRequest.replay(context.request, sameOrigin);
  expect(fromApp.status()).toBe(200);
  expect(await fromApp.text()).toMatch(/"status":"done"/);
  expect((await control<ControlPlaylist[]>("GET", "/users/demo/playlists")).length).toBe(before + 1);
  const formFromApp = await postForm(sameOrigin);
  expect(formFromApp.status()).toBeLessThan(400);
  expect((await control<ControlPlaylist[]>("GET", "/users/demo/playlists")).length).toBe(before + 2);
});

// Sign-in survives Spotify's rate limit (lib/spotify/sign-in.ts): a 429 with or without
// Retry-After, a 503 or a timeout on the code exchange, on the profile request (GET /me) and on
// a token refresh, each during a real sign-in in Chromium. Each ends signed in, or on the
// sign-in page with the right message, and nothing is half-stored.
import { expect, test, type Page } from "@playwright/test";
import { control, query, signIn } from "./support/fixtures";
import { markServerLog } from "./support/server-log";

interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  grantType?: string;
}

const TOKEN_PATH = "^/accounts/api/token$";
const PROFILE_PATH = "^/v1/me$";

type Fault = { status: 429; retryAfterSeconds: number | null } | { status: 503 } | { timeout: true };
const FAULTS: { name: string; fault: Fault }[] = [
  { name: "a 429 with Retry-After", fault: { status: 429, retryAfterSeconds: 1 } },
  { name: "a 429 without Retry-After", fault: { status: 429, retryAfterSeconds: null } },
  { name: "a 503", fault: { status: 503 } },
  { name: "a timeout", fault: { timeout: true } },
];

test.beforeEach(async () => {
  await control("POST", "/faults", { rate429: 0, rate5xx: 0, latencyMs: 0, failNextRequests: [] });
  await control("DELETE", "/requests");
});

async function failNext(path: string, fault: Fault, count = 1) {
  await control("POST", "/faults", { failNextRequests: [{ path, method: path === TOKEN_PATH ? "POST" : "GET", count, ...fault }] });
}

async function loggedRequests(pathname: string, method: string): Promise<LoggedRequest[]> {
  return (await control<LoggedRequest[]>("GET", "/requests")).filter((r) => r.path === pathname && r.method === method);
}

/** The stored tokens of `userId`, and whether any user is stored without tokens. */
async function storedState(userId: string) {
  const [token] = await query<{ updated_at: string; refresh_token: string }>(
    `SELECT updated_at::text AS updated_at, refresh_token FROM spotify_token WHERE user_id = $1`,
    [userId],
  );
  const [{ n }] = await query<{ n: string }>(
    `SELECT count(*) AS n FROM spotify_user u WHERE NOT EXISTS (SELECT 1 FROM spotify_token t WHERE t.user_id = u.id)`,
  );
  return { token: token ?? null, usersWithoutTokens: Number(n) };
}

async function expectSignedIn(page: Page) {
  await expect(page).toHaveURL(/\/recommendations/, { timeout: 45_000 });
  await expect(page.getByTestId("dominant-label")).toBeVisible();
  expect((await (await page.request.get("/api/auth/session")).json()).user?.id).toBe("demo");
}

async function expectSignInPage(page: Page, error: string, title: string) {
  await expect(page).toHaveURL(new RegExp(`/signin\\?error=${error}`), { timeout: 45_000 });
  await expect(page.getByTestId("signin-message")).toContainText(title);
  await expect(page.getByRole("button", { name: "Sign in with Spotify" })).toBeVisible();
  expect(await (await page.request.get("/api/auth/session")).json()).toEqual({});
}

test.describe("on the code exchange (POST /api/token, authorization_code)", () => {
  for (const { name, fault } of FAULTS) {
    const retried = "status" in fault && fault.status === 429;
    test(`${name}: ${retried ? "waits and signs in" : "asks to sign in again, without repeating the exchange"}`, async ({ page }) => {
      const before = await storedState("demo");
      await failNext(TOKEN_PATH, fault);
      const serverLog = markServerLog();
      await signIn(page, "demo");
      const exchanges = async () => (await loggedRequests("/accounts/api/token", "POST")).filter((r) => r.grantType === "authorization_code");
      if (retried) {
        await expectSignedIn(page);
        expect((await exchanges()).map((r) => r.status)).toEqual([429, 200]);
        expect((await storedState("demo")).token?.updated_at).not.toBe(before.token?.updated_at);
      } else {
        await expectSignInPage(page, "SignInAgain", "Please sign in again");
        await expect.poll(() => serverLog.text()).toContain("Sign-in did not finish (SignInAgain): code exchange: ");
        // A 5xx or a timeout may have spent the code: it is sent once, never again.
        expect(await exchanges()).toHaveLength(1);
        expect(await storedState("demo")).toEqual(before);
        // Signing in again works.
        await signIn(page, "demo");
        await expectSignedIn(page);
      }
      expect((await storedState("demo")).usersWithoutTokens).toBe(0);
    });
  }
});

test.describe("on the profile request (GET /me)", () => {
  for (const { name, fault } of FAULTS) {
    test(`${name}: is repeated and signs in`, async ({ page }) => {
      await failNext(PROFILE_PATH, fault);
      await signIn(page, "demo");
      await expectSignedIn(page);
      const profiles = await loggedRequests("/v1/me", "GET");
      expect(profiles.length).toBeGreaterThanOrEqual(2);
      expect(profiles.at(-1)!.status).toBe(200);
      expect((await storedState("demo")).usersWithoutTokens).toBe(0);
    });
  }

  test("rate limited past the sign-in's budget: 'Spotify is busy', nothing stored", async ({ page }) => {
    const before = await storedState("demo");
    // A Retry-After longer than a person should wait on a redirect: given up at once.
    await failNext(PROFILE_PATH, { status: 429, retryAfterSeconds: 30 }, 5);
    const serverLog = markServerLog();
    await signIn(page, "demo");
    await expectSignInPage(page, "SpotifyBusy", "Spotify is busy right now");
    await expect.poll(() => serverLog.text()).toContain("Sign-in did not finish (SpotifyBusy): profile request: ");
    await expect(page.getByTestId("signin-message")).toContainText("try again in a minute");
    expect(await storedState("demo")).toEqual(before);
  });
});

test.describe("on a token refresh (POST /api/token, refresh_token)", () => {
  for (const { name, fault } of FAULTS) {
    const retried = "status" in fault && fault.status === 429;
    test(`${name}: ${retried ? "waits and shows the page" : "keeps the session and the refresh token, and says Spotify is not answering"}`, async ({ page }) => {
      await signIn(page, "demo");
      await expectSignedIn(page);
      const before = await storedState("demo");
      // Spotify now refuses the access token the app holds: the next page needs a refresh.
      await control("POST", "/expire-tokens");
      await control("DELETE", "/requests");
      await failNext(TOKEN_PATH, fault);
      const serverLog = markServerLog();
      await page.goto("/recommendations");
      const refreshes = (await loggedRequests("/accounts/api/token", "POST")).filter((r) => r.grantType === "refresh_token");
      if (retried) {
        await expect(page.getByTestId("dominant-label")).toBeVisible();
        expect(refreshes.map((r) => r.status)).toEqual([429, 200]);
        expect((await storedState("demo")).token?.updated_at).not.toBe(before.token?.updated_at);
      } else {
        // A refresh that may have reached Spotify is not repeated (it could rotate the token).
        await expect(page.getByTestId("empty-state")).toContainText("Spotify is not answering right now");
        await expect.poll(() => serverLog.text()).toContain("Recommendations for a user failed: SpotifyUnavailableError: ");
        expect(refreshes).toHaveLength(1);
        expect((await storedState("demo")).token).toEqual(before.token);
        expect((await (await page.request.get("/api/auth/session")).json()).user?.id).toBe("demo");
        // The next visit refreshes and shows the page.
        await page.goto("/recommendations");
        await expect(page.getByTestId("dominant-label")).toBeVisible();
      }
    });
  }
});

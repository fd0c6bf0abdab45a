// The sign-in's Spotify calls under the retry policy, against the fake Spotify: what is repeated
// after a 429, a 5xx or a timeout, and how a failure is named for the sign-in page.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeSpotify, type FakeSpotifyServer } from "../../e2e/fake-spotify";
import type { SpotifyConfig } from "./config";
import type { RetryPolicy } from "./http";
import { exchangeCode, fetchProfile, SignInFailedError } from "./sign-in";

/** The sign-in policy's rules with short waits: Retry-After is still honoured as sent. */
const FAST: RetryPolicy = { retries: 6, maxRetryAfterMs: 3_000, backoffLimitMs: 50, timeoutMs: 400, budgetMs: 6_000 };
const REDIRECT = "http://127.0.0.1:3000/api/auth/callback/spotify";

let fake: FakeSpotifyServer;
let config: SpotifyConfig;

beforeAll(async () => {
  fake = await startFakeSpotify({ autoApproveUserId: "demo", timeoutHangMs: 2_000 });
  config = { clientId: "fake-client-id", clientSecret: "fake-client-secret", accountsUrl: fake.accountsUrl, apiUrl: fake.apiUrl };
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => {
  fake.state.faults.reset();
  fake.state.requestLog.length = 0;
});

/** A fresh authorization code, as Spotify's redirect back to the app carries it. */
async function freshCode(): Promise<string> {
  const authorize = new URL(`${fake.accountsUrl}/authorize`);
  authorize.search = new URLSearchParams({
    client_id: config.clientId, response_type: "code", redirect_uri: REDIRECT, state: "s", scope: "user-library-read",
  }).toString();
  const response = await fetch(authorize, { redirect: "manual" });
  return new URL(response.headers.get("location")!).searchParams.get("code")!;
}

const tokenRequests = () => fake.state.requestLog.filter((r) => r.path === "/accounts/api/token").map((r) => r.status || "no answer");
const profileRequests = () => fake.state.requestLog.filter((r) => r.path === "/v1/me").map((r) => r.status || "no answer");
const failNext = (rule: Record<string, unknown>) => fake.state.faults.update({ failNextRequests: [rule] });

async function failureOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(SignInFailedError);
  return (error as SignInFailedError).failure;
}

describe("the code exchange", () => {
  it("is sent again after a 429, with or without Retry-After, and signs in", async () => {
    for (const retryAfterSeconds of [1, null]) {
      fake.state.requestLog.length = 0;
      failNext({ path: "^/accounts/api/token$", status: 429, retryAfterSeconds });
      const tokens = await exchangeCode(config, await freshCode(), REDIRECT, FAST);
      expect(tokens.access_token).toBeTruthy();
      expect(tokens.refresh_token).toBeTruthy();
      expect(tokenRequests()).toEqual([429, 200]);
    }
  });

  it("is not repeated after a 503 or a timeout, which may have spent the code: sign in again", async () => {
    failNext({ path: "^/accounts/api/token$", status: 503 });
    expect(await failureOf(exchangeCode(config, await freshCode(), REDIRECT, FAST))).toBe("SignInAgain");
    expect(tokenRequests()).toEqual([503]);

    fake.state.requestLog.length = 0;
    failNext({ path: "^/accounts/api/token$", timeout: true });
    expect(await failureOf(exchangeCode(config, await freshCode(), REDIRECT, FAST))).toBe("SignInAgain");
    expect(tokenRequests()).toEqual(["no answer"]);
  });

  it("says Spotify is busy when the 429s outlast what a person should wait", async () => {
    failNext({ path: "^/accounts/api/token$", status: 429, retryAfterSeconds: 60 });
    expect(await failureOf(exchangeCode(config, await freshCode(), REDIRECT, FAST))).toBe("SpotifyBusy");
    expect(tokenRequests()).toEqual([429]);
  });

  it("refuses a code Spotify refuses with a plain error (the sign-in page's generic message)", async () => {
    const error = await exchangeCode(config, "AQBnotAcode", REDIRECT, FAST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(SignInFailedError);
    expect((error as Error).message).toMatch(/refused the code exchange \(400/);
  });
});

describe("the profile request", () => {
  it("is repeated after a 429, a 503 and a timeout", async () => {
    const { access_token } = await exchangeCode(config, await freshCode(), REDIRECT, FAST);
    for (const rule of [{ status: 429, retryAfterSeconds: 1 }, { status: 429, retryAfterSeconds: null }, { status: 503 }, { timeout: true }]) {
      fake.state.requestLog.length = 0;
      failNext({ path: "^/v1/me$", ...rule });
      const answer = await fetchProfile(config, access_token, FAST);
      expect(answer).toMatchObject({ kind: "profile", profile: { id: "demo" } });
      expect(profileRequests().at(-1)).toBe(200);
      expect(profileRequests().length).toBeGreaterThanOrEqual(2);
    }
  });

  it("says Spotify is busy when it keeps failing past the budget, and reports a refused user", async () => {
    const { access_token } = await exchangeCode(config, await freshCode(), REDIRECT, FAST);
    fake.state.faults.update({ failNextRequests: [{ path: "^/v1/me$", status: 503, count: 50 }] });
    expect(await failureOf(fetchProfile(config, access_token, { ...FAST, budgetMs: 1_500 }))).toBe("SpotifyBusy");
    fake.state.faults.update({ failNextRequests: [{ path: "^/v1/me$", status: 403 }] });
    expect(await fetchProfile(config, access_token, FAST)).toEqual({ kind: "refused" });
  });
});

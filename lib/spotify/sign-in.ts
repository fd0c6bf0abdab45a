import "server-only";
import { z } from "zod";
import type { SpotifyConfig } from "./config";
import { retryingFetch, SpotifyUnavailableError, type RetryPolicy } from "./http";
import { rateLimitHold, type RateLimitHold } from "./rate-limit";

/**
 * The calls made while a person waits on the sign-in redirect go through the app's one retry
 * policy (lib/spotify/http.ts), with a budget a person will wait for. What is safe to repeat:
 * - a 429 means Spotify did not act: every call, the code exchange included, waits for
 *   Retry-After (or backs off without it) and is sent again, holding back the app's other calls;
 * - the profile request (GET /me) is also repeated after a 5xx or a timeout;
 * - the code exchange is not: a 5xx or a timeout may have spent the code, which works once, so
 *   the person is asked to sign in again instead of a retry that cannot work.
 */
export const SIGN_IN_RETRY_POLICY: RetryPolicy = {
  retries: 8,
  maxRetryAfterMs: 10_000,
  backoffLimitMs: 3_000,
  timeoutMs: 8_000,
  budgetMs: 20_000,
};

/** Why a sign-in could not finish, for the sign-in page ("/signin?error=…"). */
export type SignInFailure =
  /** Spotify kept answering 429 or failing past the budget: try again in a minute. */
  | "SpotifyBusy"
  /** The code exchange failed in a way that may have spent the code: start the sign-in again. */
  | "SignInAgain";

export class SignInFailedError extends Error {
  override name = "SignInFailedError";
  constructor(
    readonly failure: SignInFailure,
    detail: string,
  ) {
    super(detail);
  }
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().default("Bearer"),
  expires_in: z.number().positive(),
  refresh_token: z.string().min(1),
  scope: z.string().optional(),
});
export type CodeExchangeTokens = z.infer<typeof tokenResponse>;

/**
 * Redeems an authorization code (POST /api/token, grant authorization_code). Throws
 * SignInFailedError when Spotify is busy or may have spent the code; a code Spotify refuses
 * (400) or credentials it refuses are plain errors: the sign-in page's generic message.
 */
export async function exchangeCode(
  config: SpotifyConfig,
  code: string,
  redirectUri: string,
  policy = SIGN_IN_RETRY_POLICY,
  hold: RateLimitHold = rateLimitHold(),
): Promise<CodeExchangeTokens> {
  let response: Response;
  try {
    response = await retryingFetch(policy, hold)(`${config.accountsUrl}/api/token`, {
      method: "POST",
      headers: {
        Authorization: `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString("base64")}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirectUri }).toString(),
    });
  } catch (error) {
    if (error instanceof SpotifyUnavailableError) {
      throw new SignInFailedError("SignInAgain", `the code exchange got no answer (${error.message}); the code may be spent`);
    }
    throw error;
  }
  if (response.status === 429) throw new SignInFailedError("SpotifyBusy", "the code exchange stayed rate limited (429) past the retry budget");
  if (response.status >= 500) {
    throw new SignInFailedError("SignInAgain", `the code exchange answered ${response.status}; the code may be spent`);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    throw new Error(`Spotify refused the code exchange (${response.status} ${body.error ?? ""})`.trim());
  }
  return tokenResponse.parse(await response.json());
}

export type ProfileAnswer = { kind: "profile"; profile: unknown } | { kind: "refused" };

/**
 * The signed-in user's profile (GET /me), retried on 429, 5xx and timeouts within the budget.
 * A 403 is Spotify refusing a user its Development Mode app does not list.
 */
export async function fetchProfile(
  config: SpotifyConfig,
  accessToken: string,
  policy = SIGN_IN_RETRY_POLICY,
  hold: RateLimitHold = rateLimitHold(),
): Promise<ProfileAnswer> {
  let response: Response;
  try {
    response = await retryingFetch(policy, hold)(`${config.apiUrl}/me`, { headers: { Authorization: `Bearer ${accessToken}` } });
  } catch (error) {
    if (error instanceof SpotifyUnavailableError) throw new SignInFailedError("SpotifyBusy", `the profile request got no answer (${error.message})`);
    throw error;
  }
  if (response.status === 403) return { kind: "refused" };
  if (response.status === 429 || response.status >= 500) {
    throw new SignInFailedError("SpotifyBusy", `the profile request answered ${response.status} past the retry budget`);
  }
  if (!response.ok) throw new Error(`Spotify profile request failed (${response.status})`);
  return { kind: "profile", profile: await response.json() };
}

import "server-only";
import { z } from "zod";
import { appSecret } from "../auth/secret";
import type { Db } from "../db/client";
import { spotifyConfig } from "./config";
import { retryingFetch, SpotifyUnavailableError } from "./http";
import { rateLimitHold } from "./rate-limit";
import { openSecret, sealSecret } from "./secret-box";

/** Refresh this long before the hour is up, so a request never starts with a dying token. */
const REFRESH_MARGIN_MS = 60_000;

export interface SpotifyTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  scope: string;
}

/** Spotify no longer accepts the refresh token (revoked, expired after 6 months): sign in again. */
export class SignInRequiredError extends Error {
  override name = "SignInRequiredError";
  constructor(reason: string) {
    super(`Your Spotify session has ended (${reason}). Please sign in again.`);
  }
}

export async function saveTokens(db: Db, userId: string, tokens: SpotifyTokens): Promise<void> {
  const secret = appSecret();
  const data = {
    accessToken: sealSecret(tokens.accessToken, secret),
    refreshToken: sealSecret(tokens.refreshToken, secret),
    expiresAt: tokens.expiresAt,
    scope: tokens.scope,
  };
  await db.spotifyToken.upsert({ where: { userId }, create: { userId, ...data }, update: data });
}

export async function deleteTokens(db: Db, userId: string): Promise<void> {
  await db.spotifyToken.deleteMany({ where: { userId } });
}

// One refresh per stored token version in this process: concurrent requests, and
// ones that read the row just before the refresh replaced it, share that refresh
// instead of each spending (and, with rotation, invalidating) the refresh token.
const refreshes = new Map<string, { fromVersion: number; token: Promise<string> }>();

/**
 * A valid access token for `userId`, refreshed when it expires within a minute
 * or when it is one Spotify refused (`rejected`, after a 401; a token refreshed
 * meanwhile by a concurrent request is used as is). Throws SignInRequiredError
 * when there is no token or Spotify refuses the refresh token.
 */
export async function accessTokenFor(
  db: Db,
  userId: string,
  options: { rejected?: ReadonlySet<string> } = {},
): Promise<string> {
  const row = await db.spotifyToken.findUnique({ where: { userId } });
  if (!row) throw new SignInRequiredError("no stored token");
  if (row.expiresAt.getTime() - REFRESH_MARGIN_MS > Date.now()) {
    const token = openSecret(row.accessToken, appSecret());
    if (!options.rejected?.has(token)) return token;
  }
  const version = row.updatedAt.getTime();
  const shared = refreshes.get(userId);
  if (shared?.fromVersion === version) return shared.token;
  const token = refreshTokens(db, userId, openSecret(row.refreshToken, appSecret()), row.updatedAt);
  refreshes.set(userId, { fromVersion: version, token });
  // A failed refresh may be tried again by the next request.
  token.catch(() => {
    if (refreshes.get(userId)?.token === token) refreshes.delete(userId);
  });
  return token;
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  scope: z.string().optional(),
  refresh_token: z.string().min(1).optional(),
});

async function refreshTokens(db: Db, userId: string, refreshToken: string, seenUpdatedAt: Date): Promise<string> {
  const config = spotifyConfig();
  const response = await retryingFetch(undefined, rateLimitHold(db))(`${config.accountsUrl}/api/token`, {
    method: "POST",
    headers: {
      Authorization: `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString("base64")}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }).toString(),
  });
  if (response.status === 400 || response.status === 401) {
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    if (body.error !== "invalid_grant") {
      // invalid_client and the like: the app's credentials are wrong, not the user's sign-in.
      throw new Error(`Spotify refused the token refresh (${body.error ?? response.status}): check SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET`);
    }
    // Another process may have refreshed (and rotated) it meanwhile: use theirs.
    const current = await db.spotifyToken.findUnique({ where: { userId } });
    if (current && current.updatedAt.getTime() !== seenUpdatedAt.getTime() && current.expiresAt.getTime() > Date.now()) {
      return openSecret(current.accessToken, appSecret());
    }
    await deleteTokens(db, userId);
    throw new SignInRequiredError("Spotify revoked or expired the sign-in");
  }
  if (response.status === 429 || response.status >= 500) {
    throw new SpotifyUnavailableError(`Spotify's token refresh answered ${response.status}`);
  }
  if (!response.ok) throw new Error(`Spotify token refresh failed with status ${response.status}`);
  const parsed = tokenResponse.parse(await response.json());
  await saveTokens(db, userId, {
    accessToken: parsed.access_token,
    // Spotify may rotate the refresh token: always keep the newest.
    refreshToken: parsed.refresh_token ?? refreshToken,
    expiresAt: new Date(Date.now() + parsed.expires_in * 1000),
    scope: parsed.scope ?? "",
  });
  return parsed.access_token;
}

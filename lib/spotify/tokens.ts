import "server-only";
import { z } from "zod";
import { appSecret } from "../auth/secret";
import type { Db } from "../db/client";
import { spotifyConfig } from "./config";
import { retryingFetch } from "./http";
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

// One refresh at a time per user in this process: concurrent requests share it
// instead of each spending (and, with rotation, invalidating) the refresh token.
const refreshing = new Map<string, Promise<string>>();

/**
 * A valid access token for `userId`, refreshed when it expires within a minute
 * (or when `force`, after Spotify answered 401). Throws SignInRequiredError
 * when there is no token or Spotify refuses the refresh token.
 */
export async function accessTokenFor(db: Db, userId: string, options: { force?: boolean } = {}): Promise<string> {
  const row = await db.spotifyToken.findUnique({ where: { userId } });
  if (!row) throw new SignInRequiredError("no stored token");
  if (!options.force && row.expiresAt.getTime() - REFRESH_MARGIN_MS > Date.now()) {
    return openSecret(row.accessToken, appSecret());
  }
  const pending = refreshing.get(userId);
  if (pending) return pending;
  const refresh = refreshTokens(db, userId, openSecret(row.refreshToken, appSecret()), row.updatedAt).finally(() =>
    refreshing.delete(userId),
  );
  refreshing.set(userId, refresh);
  return refresh;
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  scope: z.string().optional(),
  refresh_token: z.string().min(1).optional(),
});

async function refreshTokens(db: Db, userId: string, refreshToken: string, seenUpdatedAt: Date): Promise<string> {
  const config = spotifyConfig();
  const response = await retryingFetch()(`${config.accountsUrl}/api/token`, {
    method: "POST",
    headers: {
      Authorization: `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString("base64")}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }).toString(),
  });
  if (response.status === 400 || response.status === 401) {
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    // Another process may have refreshed (and rotated) it meanwhile: use theirs.
    const current = await db.spotifyToken.findUnique({ where: { userId } });
    if (current && current.updatedAt.getTime() !== seenUpdatedAt.getTime() && current.expiresAt.getTime() > Date.now()) {
      return openSecret(current.accessToken, appSecret());
    }
    await deleteTokens(db, userId);
    throw new SignInRequiredError(body.error === "invalid_grant" ? "Spotify revoked or expired the sign-in" : `token refresh refused (${response.status})`);
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

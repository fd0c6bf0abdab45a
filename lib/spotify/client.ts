import "server-only";
import { SpotifyApi, type AccessToken, type IAuthStrategy, type SdkConfiguration } from "@spotify/web-api-ts-sdk";
import type { Db } from "../db/client";
import { spotifyConfig } from "./config";
import { retryingFetch, type RetryPolicy, DEFAULT_RETRY_POLICY, SpotifyUnavailableError } from "./http";
import { rateLimitHold } from "./rate-limit";
import { accessTokenFor } from "./tokens";

/** A non-2xx answer of the Web API, with Spotify's own message. */
export class SpotifyApiError extends Error {
  override name = "SpotifyApiError";
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Spotify answers 403 to users not on a Development Mode app's allow-list. */
export function isNotAllowlisted(error: unknown): boolean {
  return error instanceof SpotifyApiError && error.status === 403 && /not registered|developer dashboard/i.test(error.message);
}

/**
 * How long one client reuses the token it read, instead of reading (and decrypting) it for
 * every request: a full sync makes hundreds. accessTokenFor hands out only tokens valid for
 * at least another minute, so a reused one is still good; a 401 drops it at once.
 */
const TOKEN_REUSE_MS = 30_000;

/** Hands the SDK the user's stored token, refreshing it as needed. */
class StoredTokenStrategy implements IAuthStrategy {
  /** Access tokens Spotify answered 401 to: the next request gets a refreshed one instead. */
  private readonly rejected = new Set<string>();
  private current: { token: Promise<string>; readAt: number } | null = null;
  constructor(private readonly db: Db, private readonly userId: string) {}
  reject(token: string): void {
    this.rejected.add(token);
    this.current = null;
  }
  setConfiguration(_configuration: SdkConfiguration): void {}
  async getOrCreateAccessToken(): Promise<AccessToken> {
    if (!this.current || Date.now() - this.current.readAt > TOKEN_REUSE_MS) {
      const token = accessTokenFor(this.db, this.userId, { rejected: this.rejected });
      this.current = { token, readAt: Date.now() };
      // A failed read (Spotify refusing the refresh, the database down) is not reused.
      token.catch(() => {
        if (this.current?.token === token) this.current = null;
      });
    }
    const token = await this.current.token;
    return { access_token: token, token_type: "Bearer", expires_in: 3600, refresh_token: "" };
  }
  async getAccessToken(): Promise<AccessToken | null> {
    return this.getOrCreateAccessToken();
  }
  removeAccessToken(): void {}
}

export interface UserSpotify {
  sdk: SpotifyApi;
  /** Runs `call`; after a 401 (token expired early or revoked) refreshes the token and tries once more. */
  call<T>(call: (sdk: SpotifyApi) => Promise<T>): Promise<T>;
}

// SpotifyApi.rootUrl in the SDK (private there): the prefix its requests start with.
const SDK_ROOT_URL = "https://api.spotify.com/v1/";

/**
 * The SDK for one user, talking to SPOTIFY_API_URL through the retrying fetch
 * (whose 429 hold is shared through `db` with the app's other processes).
 * The SDK hard-codes https://api.spotify.com/v1/, so its fetch rewrites that prefix.
 */
export function spotifyForUser(db: Db, userId: string, policy: RetryPolicy = DEFAULT_RETRY_POLICY): UserSpotify {
  const { apiUrl } = spotifyConfig();
  const send = retryingFetch(policy, rateLimitHold(db));
  const auth = new StoredTokenStrategy(db, userId);
  const sdk = new SpotifyApi(auth, {
    fetch: async (input, init) => {
      const response = await send(String(input).replace(SDK_ROOT_URL, `${apiUrl}/`), init);
      if (response.status === 401) {
        const bearer = new Headers(init?.headers).get("Authorization")?.replace(/^Bearer /, "");
        if (bearer) auth.reject(bearer);
      }
      return response;
    },
    responseValidator: {
      async validateResponse(response: Response) {
        if (response.ok) return;
        const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
        const message = body?.error?.message ?? `Spotify answered ${response.status}`;
        // Still rate limited or failing after the retries: Spotify is unavailable, not refusing.
        if (response.status === 429 || response.status >= 500) {
          throw new SpotifyUnavailableError(`Spotify kept answering ${response.status} (${message})`);
        }
        throw new SpotifyApiError(response.status, message);
      },
    },
    errorHandler: { handleErrors: async () => false },
  });
  return {
    sdk,
    async call(call) {
      try {
        return await call(sdk);
      } catch (error) {
        // The strategy now knows the token was refused and hands out a refreshed one.
        if (!(error instanceof SpotifyApiError && error.status === 401)) throw error;
        return call(sdk);
      }
    },
  };
}

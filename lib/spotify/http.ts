import ky, { HTTPError, type KyInstance } from "ky";

/** How hard to try before giving up with a friendly error. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** Longest Retry-After we are willing to wait, in ms; a longer one fails at once. */
  maxRetryAfterMs: number;
  /** Cap of one exponential backoff step, in ms. */
  backoffLimitMs: number;
  /** Time limit of one attempt, in ms. */
  timeoutMs: number;
  /** Time limit of all attempts of one request together, in ms. */
  budgetMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 6,
  maxRetryAfterMs: 20_000,
  backoffLimitMs: 5_000,
  timeoutMs: 15_000,
  budgetMs: 45_000,
};

const SAFE_TO_REPEAT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/**
 * `fetch` for Spotify: honours 429 Retry-After, retries 5xx, network errors
 * and timeouts with exponential backoff and jitter, within a time budget. A
 * POST is only repeated after a 429 (Spotify did not process it), so it is
 * never applied twice. Always resolves to the last Response (never throws on
 * an HTTP status), so callers decide what a status means.
 */
export function retryingFetch(policy: RetryPolicy = DEFAULT_RETRY_POLICY): (url: string, init?: RequestInit) => Promise<Response> {
  const client: KyInstance = ky.create({ timeout: policy.timeoutMs, throwHttpErrors: true });
  return async (url, init = {}) => {
    const started = Date.now();
    const method = (init.method ?? "GET").toUpperCase();
    try {
      return await client(url, {
        ...init,
        retry: {
          limit: policy.retries,
          methods: ["get", "head", "put", "delete", "options", "post"],
          statusCodes: [408, 429, 500, 502, 503, 504],
          afterStatusCodes: [429, 503],
          maxRetryAfter: policy.maxRetryAfterMs,
          backoffLimit: policy.backoffLimitMs,
          jitter: true,
          retryOnTimeout: SAFE_TO_REPEAT.has(method),
          shouldRetry: ({ error }) => {
            if (Date.now() - started > policy.budgetMs) return false;
            if (!SAFE_TO_REPEAT.has(method)) return error instanceof HTTPError && error.response.status === 429;
            return undefined; // ky's rules: the status codes above, network errors
          },
        },
      });
    } catch (error) {
      if (error instanceof HTTPError) return error.response;
      throw new SpotifyUnavailableError(`Spotify did not answer ${method} ${new URL(url).pathname}`, { cause: error });
    }
  };
}

/** Spotify could not be reached, or kept failing, within the retry budget. */
export class SpotifyUnavailableError extends Error {
  override name = "SpotifyUnavailableError";
}

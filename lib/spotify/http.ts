import { setTimeout as sleep } from "node:timers/promises";
import ky, { HTTPError, type KyInstance } from "ky";
import { rateLimitHold, type RateLimitHold } from "./rate-limit";

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
  /** Time limit of all attempts of one request together (waits included), in ms. */
  budgetMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 12, // generous: the time budget is what really bounds a 429 storm
  maxRetryAfterMs: 20_000,
  backoffLimitMs: 5_000,
  timeoutMs: 15_000,
  budgetMs: 45_000,
};

const SAFE_TO_REPEAT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/** Retry-After in ms (seconds or an HTTP date), or null when absent. */
function retryAfterMs(response: Response): number | null {
  const header = response.headers.get("Retry-After");
  if (header === null || header.trim() === "") return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/** Thrown (and not retried) when the wait Spotify asks for does not fit the policy. */
class WaitTooLongError extends Error {
  override name = "WaitTooLongError";
}

/**
 * `fetch` for Spotify: honours 429 Retry-After (for every request to Spotify: see `hold`),
 * retries 5xx, network errors and timeouts with exponential backoff and jitter,
 * within a time budget. A POST is only repeated after a 429 (Spotify did not
 * process it), so it is never applied twice. Resolves to the last Response
 * (never throws on an HTTP status), so callers decide what a status means;
 * throws SpotifyUnavailableError when there is no answer at all.
 */
export function retryingFetch(
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  /**
   * Spotify rate-limits the app as a whole (a rolling window), so after a 429 every request
   * to Spotify waits until its Retry-After has passed, not only the one that got it: in this
   * process, and in every process on the same database when the hold is the database's.
   */
  hold: RateLimitHold = rateLimitHold(),
): (url: string, init?: RequestInit) => Promise<Response> {
  const client: KyInstance = ky.create({ timeout: policy.timeoutMs, throwHttpErrors: true, fetch: undedupedFetch });
  return async (url, init = {}) => {
    const started = Date.now();
    const timeLeft = () => policy.budgetMs - (Date.now() - started);
    const method = (init.method ?? "GET").toUpperCase();
    // The budget is a hard limit: it also cuts a backoff wait or a last attempt short.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), policy.budgetMs);
    try {
      return await client(url, {
        ...init,
        signal: init.signal ? AbortSignal.any([init.signal, deadline.signal]) : deadline.signal,
        hooks: {
          // Before every attempt (outside its timeout): wait out a 429 some other request got.
          beforeRequest: [
            async () => {
              // Again after each wait: another 429 may have moved the limit meanwhile.
              for (let wait = await hold.msLeft(); wait > 0; wait = await hold.msLeft()) {
                if (wait > Math.min(policy.maxRetryAfterMs, timeLeft())) throw new WaitTooLongError(`rate limited for ${wait} ms`);
                await sleep(wait);
              }
            },
          ],
          afterResponse: [
            (_request, _options, response) => {
              if (response.status !== 429) return;
              const wait = retryAfterMs(response);
              // A wait we will not honour ends this request; it must not block the next ones.
              if (wait === null || wait > policy.maxRetryAfterMs) return;
              // Held here at once; the other processes learn it when the write lands (not awaited:
              // this request's own retry waits out the window in any case).
              void hold.holdFor(wait);
            },
          ],
        },
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
            if (error instanceof WaitTooLongError || timeLeft() <= 0) return false;
            const status = error instanceof HTTPError ? error.response.status : null;
            // A POST that may have reached Spotify is never repeated; a 429 was not processed.
            if (!SAFE_TO_REPEAT.has(method) && status !== 429) return false;
            if (status === 429 || status === 503) {
              const wait = retryAfterMs((error as HTTPError).response);
              // Waiting less than asked would only earn another 429: give up instead.
              if (wait !== null && wait > Math.min(policy.maxRetryAfterMs, timeLeft())) return false;
            }
            return undefined; // ky's rules: the status codes above (honouring Retry-After), network errors
          },
        },
      });
    } catch (error) {
      if (error instanceof HTTPError) return error.response;
      if (init.signal?.aborted) throw error;
      // Not the error itself as cause: ky's errors carry the request, Authorization header included.
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new SpotifyUnavailableError(`Spotify did not answer ${method} ${new URL(url).pathname}`, { cause: new Error(reason) });
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * Inside a React Server Component render, Next.js dedupes identical GETs and
 * would hand every retry the first (429) response. It only leaves a request
 * alone when it gets a plain URL with an explicit signal, so ky's Request is
 * unpacked into that; `no-store` keeps it out of Next's data cache too.
 */
async function undedupedFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  if (!(input instanceof Request)) return globalThis.fetch(input, { ...init, cache: "no-store", signal: init.signal ?? AbortSignal.any([]) });
  const body = input.method === "GET" || input.method === "HEAD" ? undefined : await input.arrayBuffer();
  return globalThis.fetch(input.url, {
    ...init,
    method: input.method,
    headers: input.headers,
    body,
    cache: "no-store",
    signal: AbortSignal.any([input.signal, ...(init.signal ? [init.signal] : [])]),
  });
}

/** Spotify could not be reached, or kept failing, within the retry budget. */
export class SpotifyUnavailableError extends Error {
  override name = "SpotifyUnavailableError";
}

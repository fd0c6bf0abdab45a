/**
 * Fault injection: latency, rate limiting (429 + Retry-After), server errors, hung
 * requests and scripted failures. Random decisions use a seeded PRNG so a test run
 * can be replayed exactly.
 */
import { z } from "zod";
import { seededRandom, type RandomSource } from "./random";

export const failRuleSchema = z
  .object({
    /** Regular expression source matched against the request path (e.g. "^/v1/me/tracks$"). */
    path: z.string().min(1),
    /** Only requests with this method match (any method when omitted). */
    method: z.string().optional(),
    /** The status to answer with; omitted for a `timeout` rule. */
    status: z.number().int().min(400).max(599).optional(),
    /** Leave matching requests unanswered (the socket is closed later), like timeoutRate. */
    timeout: z.literal(true).optional(),
    /** How many matching requests fail before the rule is used up. */
    count: z.number().int().min(1).default(1),
    /** Retry-After for a 429 rule (defaults to the global retryAfterSeconds; null sends no header). */
    retryAfterSeconds: z.number().int().min(0).nullable().optional(),
    message: z.string().optional(),
  })
  .refine((rule) => (rule.status === undefined) === (rule.timeout === true), {
    message: "a rule has either a status or timeout: true",
  });

/** Every field optional: the same schema serves CLI/options input and partial control updates. */
export const faultSettingsSchema = z
  .object({
    /** Added to every Accounts and Web API request. */
    latencyMs: z.number().int().min(0),
    /** Probability that a Web API request answers 429. */
    rate429: z.number().min(0).max(1),
    retryAfterSeconds: z.number().int().min(0),
    /**
     * After a 429, keep answering 429 until Retry-After has passed, like a real rolling
     * window; requests made too early are flagged `retryAfterIgnored` in the request log.
     */
    enforceRetryAfter: z.boolean(),
    /** Probability that a Web API request answers 500, 502 or 503. */
    rate5xx: z.number().min(0).max(1),
    /** Probability that a Web API request never gets an answer (the socket is closed later). */
    timeoutRate: z.number().min(0).max(1),
    failNextRequests: z.array(failRuleSchema),
    /** Restarts the PRNG, so a sequence of random decisions can be replayed. */
    seed: z.number().int(),
  })
  .partial()
  .strict();

export type FailRule = z.output<typeof failRuleSchema>;
export type FaultSettingsInput = z.input<typeof faultSettingsSchema>;
export type FaultSettings = Required<Omit<z.output<typeof faultSettingsSchema>, "seed">>;

export const DEFAULT_FAULT_SETTINGS: FaultSettings = {
  latencyMs: 0,
  rate429: 0,
  retryAfterSeconds: 1,
  enforceRetryAfter: true,
  rate5xx: 0,
  timeoutRate: 0,
  failNextRequests: [],
};

export type FaultDecision =
  | { kind: "error"; status: number; message: string; retryAfterSeconds?: number; reason: string }
  | { kind: "timeout"; reason: string };

export interface FaultRequest {
  method: string;
  path: string;
  /** Random faults (429, 5xx, timeouts) only hit the Web API, not the Accounts service. */
  isWebApi: boolean;
}

const SERVER_ERRORS = [
  { status: 500, message: "Server error." },
  { status: 502, message: "Bad gateway." },
  { status: 503, message: "Service unavailable" },
];

export const RATE_LIMIT_MESSAGE = "API rate limit exceeded";

function defaultMessage(status: number): string {
  if (status === 429) return RATE_LIMIT_MESSAGE;
  return SERVER_ERRORS.find((e) => e.status === status)?.message ?? `Injected failure ${status}`;
}

export class FaultInjector {
  settings: FaultSettings;
  private random: RandomSource;
  private rateLimitedUntilMs = 0;
  /** Successful POST /playlists/{id}/items calls left before one fails (null = disarmed). */
  private playlistItemsSuccessesLeft: number | null = null;
  private playlistItemsFailureStatus = 500;

  constructor(
    private readonly seed: number,
    private readonly initial: FaultSettingsInput = {},
  ) {
    this.settings = { ...DEFAULT_FAULT_SETTINGS };
    this.random = seededRandom(seed);
    this.update(initial);
  }

  reset(): void {
    this.settings = { ...DEFAULT_FAULT_SETTINGS };
    this.random = seededRandom(this.seed);
    this.update(this.initial);
    this.rateLimitedUntilMs = 0;
    this.playlistItemsSuccessesLeft = null;
  }

  /**
   * Merges a partial update (fields left out keep their value; failNextRequests replaces
   * the previous list). `seed` restarts the PRNG so a sequence of decisions can be replayed.
   */
  update(input: unknown): FaultSettings {
    const { seed, ...partial } = faultSettingsSchema.parse(input);
    const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
    this.settings = { ...this.settings, ...defined };
    if (seed !== undefined) this.random = seededRandom(seed);
    return this.settings;
  }

  armPlaylistItemsFailure(successesBeforeFailure: number, status = 500): void {
    this.playlistItemsSuccessesLeft = successesBeforeFailure;
    this.playlistItemsFailureStatus = status;
  }

  /** Called for each valid POST /playlists/{id}/items; returns the status to fail with, if any. */
  takePlaylistItemsFailure(): number | null {
    if (this.playlistItemsSuccessesLeft === null) return null;
    if (this.playlistItemsSuccessesLeft > 0) {
      this.playlistItemsSuccessesLeft--;
      return null;
    }
    this.playlistItemsSuccessesLeft = null;
    return this.playlistItemsFailureStatus;
  }

  /** Whether a 429 window is open (used to flag clients that ignore Retry-After). */
  isRateLimited(nowMs: number): boolean {
    return nowMs < this.rateLimitedUntilMs;
  }

  decide(request: FaultRequest, nowMs: number): FaultDecision | null {
    const scripted = this.takeScriptedFailure(request);
    if (scripted) return scripted;
    if (!request.isWebApi) return null;

    // Always draw the same number of values so changing one rate never shifts the others.
    const timeoutDraw = this.random();
    const rateLimitDraw = this.random();
    const serverErrorDraw = this.random();
    const serverErrorPick = this.random();

    if (this.settings.enforceRetryAfter && nowMs < this.rateLimitedUntilMs) {
      const secondsLeft = Math.ceil((this.rateLimitedUntilMs - nowMs) / 1000);
      return {
        kind: "error",
        status: 429,
        message: RATE_LIMIT_MESSAGE,
        retryAfterSeconds: secondsLeft,
        reason: "retry-after-window",
      };
    }
    if (timeoutDraw < this.settings.timeoutRate) return { kind: "timeout", reason: "timeoutRate" };
    if (rateLimitDraw < this.settings.rate429) {
      return this.rateLimit(this.settings.retryAfterSeconds, nowMs, "rate429");
    }
    if (serverErrorDraw < this.settings.rate5xx) {
      const picked = SERVER_ERRORS[Math.floor(serverErrorPick * SERVER_ERRORS.length)];
      return { kind: "error", status: picked.status, message: picked.message, reason: "rate5xx" };
    }
    return null;
  }

  private rateLimit(retryAfterSeconds: number, nowMs: number, reason: string): FaultDecision {
    this.rateLimitedUntilMs = nowMs + retryAfterSeconds * 1000;
    return { kind: "error", status: 429, message: RATE_LIMIT_MESSAGE, retryAfterSeconds, reason };
  }

  private takeScriptedFailure(request: FaultRequest): FaultDecision | null {
    const rules = this.settings.failNextRequests;
    const index = rules.findIndex(
      (rule) =>
        (rule.method === undefined || rule.method.toUpperCase() === request.method) &&
        new RegExp(rule.path).test(request.path),
    );
    if (index === -1) return null;
    const rule = rules[index];
    const remaining = rule.count - 1;
    this.settings.failNextRequests =
      remaining > 0 ? rules.map((r, i) => (i === index ? { ...r, count: remaining } : r)) : rules.filter((_, i) => i !== index);
    if (rule.timeout || rule.status === undefined) return { kind: "timeout", reason: "failNextRequests" };
    const message = rule.message ?? defaultMessage(rule.status);
    if (rule.status === 429) {
      const retryAfterSeconds =
        rule.retryAfterSeconds === null ? undefined : (rule.retryAfterSeconds ?? this.settings.retryAfterSeconds);
      // A scripted 429 does not open an enforced window: the test chose exactly which requests fail.
      return { kind: "error", status: 429, message, retryAfterSeconds, reason: "failNextRequests" };
    }
    return { kind: "error", status: rule.status, message, reason: "failNextRequests" };
  }
}

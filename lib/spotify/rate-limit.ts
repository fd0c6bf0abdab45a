import type { Db } from "../db/client";

/**
 * Where the app-wide 429 hold is kept beyond this process: every app process on
 * one database reads and extends the same window (Spotify limits the app as a
 * whole, however many processes or machines serve it).
 */
export interface SharedRateLimitStore {
  /** Milliseconds until the shared hold ends (≤ 0: no hold). */
  msLeft(): Promise<number>;
  /** Nothing may go to Spotify for the next `waitMs` (a later end already stored is kept). */
  holdFor(waitMs: number): Promise<void>;
}

/**
 * The hold in PostgreSQL: one row of `spotify_rate_limit`. Both the end and the
 * time left are computed on the database's clock, so app machines whose clocks
 * disagree still wait the same window.
 */
export function postgresRateLimitStore(db: Db): SharedRateLimitStore {
  return {
    async msLeft() {
      const rows = await db.$queryRaw<{ ms_left: number }[]>`
        SELECT (extract(epoch FROM until - clock_timestamp()) * 1000)::float8 AS ms_left FROM spotify_rate_limit WHERE id = 1`;
      return rows[0]?.ms_left ?? 0;
    },
    async holdFor(waitMs) {
      // From when the statement arrived, not from when it ran: the 429s of one window come in
      // together, and their upserts of this row wait on each other's row lock.
      await db.$executeRaw`
        INSERT INTO spotify_rate_limit (id, until) VALUES (1, statement_timestamp() + ${waitMs} * interval '1 millisecond')
        ON CONFLICT (id) DO UPDATE SET until = greatest(spotify_rate_limit.until, EXCLUDED.until)`;
    },
  };
}

/**
 * How long a read of the shared hold is trusted. Within it, Spotify calls cost
 * no query at all; after it, one query serves every call waiting on it. The
 * price: another process may learn of a 429 up to this late, and a request it
 * sends meanwhile may earn a 429 of its own (which it then honours and shares).
 */
export const SHARED_READ_FRESH_MS = 250;
/**
 * How long before a hold ends the shared hold is read again, so that the requests that wake at its
 * end find a fresh read rather than all waiting for one query (a round trip to the database after
 * each of a sync's ~150 holds). Within SHARED_READ_FRESH_MS: no later than a read at the end would be.
 */
const PREFETCH_BEFORE_END_MS = 25;

/** Time spent holding back requests, for benchmarks: the floor that honouring Retry-After imposes. */
export interface HoldStats {
  /** 429s with a Retry-After that started or extended the hold. */
  windows: number;
  /** Length of the union of all hold windows this process observed, in ms. */
  heldMs: number;
}

/**
 * The app-wide hold after a 429: until it ends, no request goes to Spotify
 * (Accounts service and Web API alike). Kept in memory for this process and,
 * with a store, shared with the other processes on the same database.
 */
export class RateLimitHold {
  /** End of the hold this process knows of, epoch ms on this machine's clock. */
  private localUntil = 0;
  private sharedRead: { at: number; until: number } | null = null;
  private pendingRead: Promise<number> | null = null;
  /** The end of the hold a read is scheduled before (see PREFETCH_BEFORE_END_MS), and its timer. */
  private prefetchFor = 0;
  private prefetchTimer: ReturnType<typeof setTimeout> | null = null;
  private storeFailureLogged = false;
  private readonly stats: HoldStats = { windows: 0, heldMs: 0 };

  constructor(
    private readonly store: SharedRateLimitStore | null = null,
    private readonly readFreshMs = SHARED_READ_FRESH_MS,
  ) {}

  /** Milliseconds until requests may go to Spotify again (≤ 0: now). */
  async msLeft(): Promise<number> {
    const shared = await this.sharedUntil(Date.now());
    // This process's own hold is read after the await: a 429 that arrived meanwhile must count.
    const until = Math.max(this.localUntil, shared);
    const left = until - Date.now();
    if (left > 0) this.readSharedBefore(until);
    return left;
  }

  /**
   * A 429 asked for `waitMs`: hold back every request, here at once and (with a store) in the
   * other processes once the returned promise settles. It never rejects.
   */
  async holdFor(waitMs: number): Promise<void> {
    const now = Date.now();
    const until = now + waitMs;
    if (until > this.localUntil) {
      this.stats.windows++;
      this.stats.heldMs += until - Math.max(now, this.localUntil);
      this.localUntil = until;
    }
    if (!this.store) return;
    await this.store.holdFor(waitMs).catch((error: unknown) => this.storeFailed(error));
    this.sharedRead = null; // the next read sees what we just wrote (or a later end another process wrote)
  }

  holdStats(): HoldStats {
    return { ...this.stats };
  }

  /** Reads the shared hold again shortly before `until`, once per end. */
  private readSharedBefore(until: number): void {
    if (!this.store || this.prefetchFor === until) return;
    if (this.prefetchTimer) clearTimeout(this.prefetchTimer);
    this.prefetchFor = until;
    this.prefetchTimer = setTimeout(() => {
      this.prefetchTimer = null;
      this.sharedRead = null;
      void this.sharedUntil(Date.now());
    }, Math.max(0, until - Date.now() - PREFETCH_BEFORE_END_MS));
    this.prefetchTimer.unref?.(); // never what keeps a process alive
  }

  private async sharedUntil(now: number): Promise<number> {
    if (!this.store) return 0;
    if (this.sharedRead && now - this.sharedRead.at < this.readFreshMs) return this.sharedRead.until;
    this.pendingRead ??= this.store
      .msLeft()
      .then((msLeft) => {
        const until = Date.now() + msLeft;
        this.sharedRead = { at: Date.now(), until };
        return until;
      })
      // The database being unreachable must not stop Spotify calls: the local hold still applies.
      .catch((error: unknown) => (this.storeFailed(error), 0))
      .finally(() => (this.pendingRead = null));
    return this.pendingRead;
  }

  private storeFailed(error: unknown): void {
    if (this.storeFailureLogged) return;
    this.storeFailureLogged = true;
    console.error(`The shared Spotify rate-limit hold is unavailable, so this process holds back on its own 429s only: ${error instanceof Error ? error.message : String(error)}`);
  }
}

// One hold per database (and one for callers without a database), on globalThis:
// Next.js may load this module once per bundle layer, and they must all share it.
const holder = globalThis as unknown as { tasteClustersRateLimitHolds?: { local: RateLimitHold; byDb: WeakMap<Db, RateLimitHold> } };

function holds() {
  holder.tasteClustersRateLimitHolds ??= { local: new RateLimitHold(), byDb: new WeakMap() };
  return holder.tasteClustersRateLimitHolds;
}

/**
 * The hold every Spotify call of this process goes through: shared through
 * `db` when given (the app's database), in memory only otherwise.
 */
export function rateLimitHold(db?: Db): RateLimitHold {
  const { local, byDb } = holds();
  if (!db) return local;
  let hold = byDb.get(db);
  if (!hold) {
    hold = new RateLimitHold(postgresRateLimitStore(db));
    byDb.set(db, hold);
  }
  return hold;
}

/** How far a full read of a user's liked songs has got. */
export interface SyncProgress {
  /** Liked songs read so far (local files included). */
  read: number;
  /** Spotify's count of the user's liked songs. */
  total: number;
}

/** A first read is shown in about this many steps, whatever the library's size. */
const STEPS_SHOWN = 40;

/**
 * The progress of one request's library sync, for that same request's page to show while it runs.
 * The sync reports every page it reads (`report`); the page asks for the next step worth showing
 * (`next`), which skips small moves so a 20,000-song library streams ~40 updates rather than 400.
 * `close` ends the feed (the sync finished, failed or was not needed): every waiter then resolves.
 */
export class SyncProgressFeed {
  private latest: SyncProgress | null = null;
  private closed = false;
  private waiters: Array<() => void> = [];

  readonly report = (progress: SyncProgress): void => {
    this.latest = progress;
    this.wake();
  };

  readonly close = (): void => {
    this.closed = true;
    this.wake();
  };

  /** The next step past `shown` worth showing, or null once the feed is closed and nothing newer came. */
  async next(shown: SyncProgress | null): Promise<SyncProgress | null> {
    for (;;) {
      if (this.latest && worthShowing(this.latest, shown)) return this.latest;
      if (this.closed) return null;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private wake() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

function worthShowing(latest: SyncProgress, shown: SyncProgress | null): boolean {
  if (!shown) return true;
  if (latest.read <= shown.read) return false;
  return latest.read >= latest.total || latest.read - shown.read >= Math.ceil(latest.total / STEPS_SHOWN);
}

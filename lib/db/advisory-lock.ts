import { setTimeout as sleep } from "node:timers/promises";
import type { Db } from "./client";

/** How long one holder may keep a lock before PostgreSQL's side gives up on it (Prisma's transaction timeout). */
const DEFAULT_HOLD_MS = 10 * 60_000;
/** How often a caller that found the lock taken tries again. */
const POLL_MS = 100;

/**
 * Runs `work` while holding a PostgreSQL advisory lock named `name`, so that at
 * most one process on this database runs it at a time; other callers wait.
 * `work` is told whether it had to wait for another holder first (it may then
 * reuse that holder's result instead of redoing it).
 *
 * The lock is transaction-scoped and the transaction does nothing else: `work`
 * writes through `db` (its own connections), so what it writes is committed
 * step by step and survives a crash, while the lock ends with the transaction,
 * or with the connection when the process dies. The holder keeps one pooled
 * connection for as long as `work` runs; a waiter keeps none (it polls with
 * pg_try_advisory_xact_lock): blocked waiters holding connections could take the
 * whole pool and starve the holder's own queries.
 */
export async function withAdvisoryLock<T>(
  db: Db,
  name: string,
  work: (waited: boolean) => Promise<T>,
  options: { holdMs?: number } = {},
): Promise<T> {
  for (let waited = false; ; waited = true) {
    const outcome = await db.$transaction(
      async (tx) => {
        const [{ locked }] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtextextended(${name}, 0)) AS locked`;
        return locked ? { result: await work(waited) } : null;
      },
      // maxWait: for a pooled connection; timeout: the whole hold.
      { maxWait: 10_000, timeout: options.holdMs ?? DEFAULT_HOLD_MS },
    );
    if (outcome) return outcome.result;
    await sleep(POLL_MS);
  }
}

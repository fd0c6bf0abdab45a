import type { Db } from "./client";

/** How long one holder may keep a lock before PostgreSQL's side gives up on it (Prisma's transaction timeout). */
const DEFAULT_HOLD_MS = 10 * 60_000;

/**
 * Runs `work` while holding a PostgreSQL advisory lock named `name`, so that at
 * most one process on this database runs it at a time; other callers wait.
 * `work` is told whether it had to wait for another holder first (it may then
 * reuse that holder's result instead of redoing it).
 *
 * The lock is transaction-scoped and the transaction does nothing else: `work`
 * writes through `db` (its own connections), so what it writes is committed
 * step by step and survives a crash, while the lock ends with the transaction,
 * or with the connection when the process dies. The price is one pooled
 * connection per holder and waiter for as long as `work` runs.
 */
export async function withAdvisoryLock<T>(
  db: Db,
  name: string,
  work: (waited: boolean) => Promise<T>,
  options: { holdMs?: number } = {},
): Promise<T> {
  const holdMs = options.holdMs ?? DEFAULT_HOLD_MS;
  return db.$transaction(
    async (tx) => {
      const [{ locked }] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtextextended(${name}, 0)) AS locked`;
      if (!locked) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${name}, 0))`;
      return work(!locked);
    },
    // maxWait: for a pooled connection; timeout: the whole hold, waiting for the lock included.
    { maxWait: 10_000, timeout: holdMs },
  );
}

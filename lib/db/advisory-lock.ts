import pg from "pg";
import { connectionStringOf, type Db } from "./client";

/**
 * Runs `work` while holding a PostgreSQL advisory lock named `name`, so that at
 * most one process on this database runs it at a time; other callers wait.
 * `work` is told whether it had to wait for another holder first (it may then
 * reuse that holder's result instead of redoing it).
 *
 * The lock lives on a connection of its own, outside the pool `work` queries
 * through: a lock held on a pooled connection for a whole sync or export would
 * take one connection from the pool per running job, and enough jobs at once
 * would leave their own queries none. The lock is session-scoped on that idle
 * connection (no transaction stays open, so no idle-in-transaction timeout can
 * end it), released when `work` ends, and by PostgreSQL if the process dies.
 * `work` writes through `db`, so what it writes is committed step by step.
 */
export async function withAdvisoryLock<T>(db: Db, name: string, work: (waited: boolean) => Promise<T>): Promise<T> {
  const lockConnection = new pg.Client({ connectionString: connectionStringOf(db), connectionTimeoutMillis: 5_000 });
  // A dropped connection also drops the lock; that must not crash the process (an idle client's
  // errors are emitted, not thrown). The work goes on; at worst another process repeats it.
  lockConnection.on("error", (error) => console.error(`Advisory lock "${name}" lost its connection: ${error.message}`));
  await lockConnection.connect();
  try {
    const key = [name];
    const [{ locked }] = (await lockConnection.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked", key)).rows;
    // Taken: wait for it on this connection of our own, which blocks nothing else.
    if (!locked) await lockConnection.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", key);
    try {
      return await work(!locked);
    } finally {
      await lockConnection.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", key).catch(() => {});
    }
  } finally {
    await lockConnection.end().catch(() => {});
  }
}

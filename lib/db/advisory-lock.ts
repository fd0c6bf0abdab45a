import { lockPoolOf, type Db } from "./client";

/**
 * Runs `work` while holding a PostgreSQL advisory lock named `name`, so that at
 * most one process on this database runs it at a time; other callers wait.
 * `work` is told whether it had to wait for another holder first (it may then
 * reuse that holder's result instead of redoing it).
 *
 * The lock lives on a connection of the lock pool (lockPoolOf), outside the pool
 * `work` queries through: a lock held on a connection of the client's pool for a whole
 * sync or export would take one connection per running job, and enough jobs at
 * once would leave their own queries none. The lock is session-scoped on that
 * idle connection (no transaction stays open, so no idle-in-transaction timeout
 * can end it), released when `work` ends, and by PostgreSQL if the process dies.
 * `work` writes through `db`, so what it writes is committed step by step.
 */
export async function withAdvisoryLock<T>(db: Db, name: string, work: (waited: boolean) => Promise<T>): Promise<T> {
  const lockConnection = await lockPoolOf(db).connect();
  // Back to the pool only once the lock is surely released; a connection that may still hold it is closed.
  let released = false;
  try {
    const key = [name];
    const [{ locked }] = (await lockConnection.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked", key)).rows;
    // Taken: wait for it on this connection, which blocks nothing else.
    if (!locked) await lockConnection.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", key);
    try {
      return await work(!locked);
    } finally {
      await lockConnection.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", key).then(() => (released = true), () => {});
    }
  } finally {
    lockConnection.release(!released);
  }
}

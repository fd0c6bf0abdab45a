import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client";

export type Db = PrismaClient;
export { Prisma } from "./generated/client";

/**
 * What createDb made a client with, kept on the client under process-wide symbols rather than in a
 * module's WeakMap: Next bundles this module into several server chunks, and a client made by one
 * chunk's copy (lib/db/server.ts keeps one on globalThis) is used by code from the others.
 */
const CONNECTION_STRING = Symbol.for("taste-clusters.db.connectionString");
const POOL = Symbol.for("taste-clusters.db.pool");
const LOCK_POOL = Symbol.for("taste-clusters.db.lockPool");
type Made = { [CONNECTION_STRING]?: string; [POOL]?: pg.Pool; [LOCK_POOL]?: pg.Pool };

/**
 * The URL a client was made with, for work Prisma cannot do over its connections (COPY … FROM STDIN
 * in lib/catalog/store.ts).
 */
export function connectionStringOf(db: Db): string {
  const url = (db as Made)[CONNECTION_STRING];
  if (url === undefined) throw new Error("this client was not made by createDb");
  return url;
}


/** A Prisma client over the `pg` driver adapter (no native engine needed). */
export function createDb(url: string, options: { max?: number } = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    // Fail fast instead of hanging when the server is down; the next request reconnects.
    connectionTimeoutMillis: 5_000,
  });
  // $disconnect() ends the pool, as it did when the adapter made its own.
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  // The pg pool under the client: hot paths send plain SQL on it (see sqlPoolOf).
  Object.assign(db, { [POOL]: pool, [CONNECTION_STRING]: url });
  return db;
}

/**
 * The pool of connections under `db`, shared with Prisma, or null for a client made elsewhere or
 * already disconnected. A query through Prisma costs ~1 ms of CPU more than the same SQL on pg
 * (query building, the adapter, row mapping: docs/benchmarks.md), which on a request that runs one
 * small query is most of its cost; everything else goes through Prisma.
 */
export function sqlPoolOf(db: Db): pg.Pool | null {
  const pool = (db as Made)[POOL];
  return pool && !pool.ending ? pool : null;
}

/**
 * Connections that hold advisory locks (lib/db/advisory-lock.ts), kept apart from the client's
 * pool so that jobs holding locks never take the connections their own queries need, and reused
 * so that a page view's lock costs no new connection. Made on first use; idle connections close
 * after 10 s and never keep the process alive.
 */
export function lockPoolOf(db: Db): pg.Pool {
  const made = db as Made;
  if (!made[LOCK_POOL]) {
    const pool = new pg.Pool({ connectionString: connectionStringOf(db), max: 50, allowExitOnIdle: true, connectionTimeoutMillis: 5_000 });
    // Only idle connections report here, and an idle one holds no lock (it is unlocked, or closed,
    // before it goes back): the pool drops it, and there is nothing to act on. Unheard, the error
    // would end the process.
    pool.on("error", () => {});
    made[LOCK_POOL] = pool;
  }
  return made[LOCK_POOL];
}

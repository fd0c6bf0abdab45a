import "server-only";
import { createDb, type Db } from "./client";
import { openDatabase } from "./database";
import { applyMigrations, readMigrations } from "./migrate";

// One client (and connection pool) per server process; kept on globalThis so
// Next's dev-mode module reloading does not open a new pool on every edit.
const holder = globalThis as unknown as { tasteClustersDb?: Promise<Db> };

/**
 * The app's database. With DATABASE_URL unset it starts the embedded
 * PostgreSQL and applies migrations, so `next start` works on a bare machine.
 */
export function getDb(): Promise<Db> {
  holder.tasteClustersDb ??= (async () => {
    const database = await openDatabase();
    if (!process.env.DATABASE_URL) await applyMigrations(database.url, await readMigrations());
    return createDb(database.url);
  })().catch((error) => {
    holder.tasteClustersDb = undefined; // let the next request try again
    throw error;
  });
  return holder.tasteClustersDb;
}

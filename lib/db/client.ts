import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";

export type Db = PrismaClient;
export { Prisma } from "./generated/client";

const connectionStrings = new WeakMap<Db, string>();

/**
 * The URL a client was made with, for work Prisma cannot do over its connections (COPY … FROM STDIN
 * in lib/catalog/store.ts).
 */
export function connectionStringOf(db: Db): string {
  const url = connectionStrings.get(db);
  if (url === undefined) throw new Error("this client was not made by createDb");
  return url;
}

/** A Prisma client over the `pg` driver adapter (no native engine needed). */
export function createDb(url: string, options: { max?: number } = {}): Db {
  const adapter = new PrismaPg({
    connectionString: url,
    max: options.max ?? 10,
    // Fail fast instead of hanging when the server is down; the next request reconnects.
    connectionTimeoutMillis: 5_000,
  });
  const db = new PrismaClient({ adapter });
  connectionStrings.set(db, url);
  return db;
}

import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";

export type Db = PrismaClient;
export { Prisma } from "./generated/client";

/** A Prisma client over the `pg` driver adapter (no native engine needed). */
export function createDb(url: string, options: { max?: number } = {}): Db {
  const adapter = new PrismaPg({
    connectionString: url,
    max: options.max ?? 10,
    // Fail fast instead of hanging when the server is down; the next request reconnects.
    connectionTimeoutMillis: 5_000,
  });
  return new PrismaClient({ adapter });
}

import { randomBytes } from "node:crypto";
import { databaseUrl, dropDatabase, ensureDatabase } from "../db/database";
import { applyMigrations, readMigrations } from "../db/migrate";

/** The admin URL of the test server set by lib/testing/global-setup.ts. */
export function testServerUrl(): string {
  const url = process.env.TEST_PG_ADMIN_URL;
  if (!url) throw new Error("TEST_PG_ADMIN_URL is not set: run tests through vitest (see vitest.config.ts).");
  return url;
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, uniquely named database; migrated unless `migrated: false`. */
export async function createTestDatabase(prefix: string, options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const admin = testServerUrl();
  const name = `test_${prefix}_${randomBytes(4).toString("hex")}`;
  await ensureDatabase(admin, name);
  const url = databaseUrl(admin, name);
  if (options.migrated !== false) await applyMigrations(url, await readMigrations());
  return { name, url, drop: () => dropDatabase(admin, name) };
}

import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { createDb, type Db } from "../db/client";
import { createTestDatabase, type TestDatabase } from "./database";

export interface SeedWorkspace {
  /** The migrated test database's URL, and a client on it. */
  url: string;
  db: Db;
  /** A scratch folder for the catalog files a test writes. */
  work: string;
}

/**
 * For one describe block: a fresh migrated database and a scratch folder, made before its tests and
 * removed after them. Read the fields inside tests (they are set in beforeAll).
 */
export function seedWorkspace(prefix: string): SeedWorkspace {
  const workspace = {} as SeedWorkspace;
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(prefix);
    workspace.url = database.url;
    workspace.db = createDb(database.url);
    workspace.work = await fs.mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
  }, 60_000);
  afterAll(async () => {
    await workspace.db?.$disconnect();
    await database?.drop();
    if (workspace.work) await fs.rm(workspace.work, { recursive: true, force: true });
  });
  return workspace;
}

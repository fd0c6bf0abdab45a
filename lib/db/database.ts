import pg from "pg";
import { startEmbeddedPostgres } from "./embedded";
import { quoteIdentifier } from "./sql";

export const DEFAULT_DATABASE_NAME = "taste_clusters";

export interface OpenedDatabase {
  url: string;
  /** Stops the embedded server if this process started it; a no-op otherwise. */
  close(): Promise<void>;
}

/**
 * The database the app and scripts use: DATABASE_URL when set, otherwise the
 * embedded PostgreSQL under `.data/postgres` (started here if not running yet).
 */
export async function openDatabase(options: { log?: (line: string) => void } = {}): Promise<OpenedDatabase> {
  const configured = process.env.DATABASE_URL?.trim();
  if (configured) return { url: configured, close: async () => {} };

  const server = await startEmbeddedPostgres({
    dataDir: process.env.EMBEDDED_PG_DIR ?? ".data/postgres",
    port: Number(process.env.EMBEDDED_PG_PORT ?? 54329),
    log: options.log,
  });
  try {
    const url = await ensureDatabase(server.adminUrl, DEFAULT_DATABASE_NAME);
    return { url, close: server.stop };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Creates `name` on the server behind `adminUrl` if missing; returns its URL. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`).catch((error: { code?: string }) => {
        if (error.code !== "42P04") throw error; // created meanwhile by another process
      });
    }
  } finally {
    await client.end();
  }
  return databaseUrl(adminUrl, name);
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

import { randomBytes } from "node:crypto";
import { databaseUrl, dropDatabase, ensureDatabase } from "../../lib/db/database";
import { startThrowawayPostgres } from "../../lib/testing/throwaway-postgres";
import { buildIfStale, startStack } from "../../scripts/stack";
import { APP_PORT } from "../../playwright.config";
import { ECHO_SERVER_LOG, SERVER_LOG_FILE } from "./server-log";

export const FAKE_SPOTIFY_PORT = Number(process.env.E2E_FAKE_SPOTIFY_PORT ?? 4110);

/**
 * Builds the app, then starts a fresh database (on DATABASE_URL's server, or a
 * throw-away embedded cluster), the fake Spotify and `next start`. Tests reach
 * the database through E2E_DATABASE_URL and the fake through FAKE_SPOTIFY_URL. The server's
 * output goes to SERVER_LOG_FILE (and to the terminal too with E2E_SERVER_LOG=1).
 */
export default async function globalSetup() {
  const log = (line: string) => console.log(`[e2e] ${line}`);
  buildIfStale(log);

  const configured = process.env.DATABASE_URL?.trim();
  const server = configured
    ? null
    : await startThrowawayPostgres();
  const adminUrl = configured ?? server!.adminUrl;
  const name = `e2e_${randomBytes(4).toString("hex")}`;
  await ensureDatabase(adminUrl, name);
  const url = databaseUrl(adminUrl, name);

  const stack = await startStack({
    database: { url, close: async () => {} },
    port: APP_PORT,
    fakeSpotify: { port: FAKE_SPOTIFY_PORT },
    log,
    serverOutput: { file: SERVER_LOG_FILE, echo: ECHO_SERVER_LOG },
  });
  process.env.E2E_DATABASE_URL = url;
  process.env.FAKE_SPOTIFY_URL = stack.fake!.url;

  return async () => {
    await stack.stop();
    await dropDatabase(adminUrl, name);
    await server?.stop();
  };
}

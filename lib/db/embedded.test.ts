import { execFile, spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../net/free-port";
import { embeddedAdminUrl, startEmbeddedPostgres, type EmbeddedServer } from "./embedded";
import { bundledPostgres, postgresSystemUser, reachableByPostgres } from "./embedded-setup";

const execFileAsync = promisify(execFile);
const isRoot = process.getuid?.() === 0;

let cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

/** A temporary folder; `mode` 0700 makes it one the `postgres` user cannot enter. */
async function tempDir(mode: number): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "embedded-test-"));
  await fs.chmod(dir, mode);
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

async function started(options: Parameters<typeof startEmbeddedPostgres>[0]): Promise<EmbeddedServer> {
  const server = await startEmbeddedPostgres(options);
  cleanups.push(() => server.stop());
  return server;
}

async function selectOne(adminUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query("SELECT 1 AS one")).rows[0].one;
  } finally {
    await client.end();
  }
}

describe("embedded PostgreSQL", () => {
  it("says why PostgreSQL would not start, in PostgreSQL's own words, and keeps the data", async () => {
    const dataDir = path.join(await tempDir(0o755), "data");
    const port = await freePort();
    const first = await started({ dataDir, port, unsafeFast: true });
    expect(await selectOne(first.adminUrl)).toBe(1);
    await first.stop();

    const autoConf = path.join(dataDir, "postgresql.auto.conf");
    const original = await fs.readFile(autoConf, "utf8");
    await fs.appendFile(autoConf, "shared_buffers = 'plenty'\n");
    const failure = startEmbeddedPostgres({ dataDir, port, unsafeFast: true });
    await expect(failure).rejects.toThrow(dataDir);
    await expect(failure).rejects.toThrow(/invalid value for parameter "shared_buffers": "plenty"/);

    // Nothing was re-initialised over the existing cluster: fix the setting and it starts.
    await fs.writeFile(autoConf, original);
    const again = await started({ dataDir, port, unsafeFast: true });
    expect(again.owned).toBe(true);
    expect(await selectOne(again.adminUrl)).toBe(1);
  });

  it("will not create a cluster in a folder that already holds other files, and leaves them alone", async () => {
    const dataDir = path.join(await tempDir(0o755), "data");
    await fs.mkdir(dataDir);
    await fs.writeFile(path.join(dataDir, "notes.txt"), "mine");
    await expect(startEmbeddedPostgres({ dataDir, port: await freePort(), unsafeFast: true })).rejects.toThrow(
      `${dataDir} holds files but no PostgreSQL cluster (no PG_VERSION); refusing to create one there.`,
    );
    expect(await fs.readFile(path.join(dataDir, "notes.txt"), "utf8")).toBe("mine");
  });

  it("attaches to a cluster another process of ours already runs, and leaves it running", async () => {
    const dataDir = path.join(await tempDir(0o755), "data");
    const port = await freePort();
    const owner = await started({ dataDir, port, unsafeFast: true });
    const guest = await startEmbeddedPostgres({ dataDir, port, unsafeFast: true });
    expect(guest.owned).toBe(false);
    await guest.stop();
    expect(await selectOne(owner.adminUrl)).toBe(1);
  });

  it("stops PostgreSQL when the process that started it is told to stop (SIGTERM), and ends as the signal says", async () => {
    const dataDir = path.join(await tempDir(0o755), "data");
    const port = await freePort();
    const script = `
      const { startEmbeddedPostgres } = await import(${JSON.stringify(path.resolve("lib/db/embedded.ts"))});
      await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port}, unsafeFast: true });
      console.log("ready");
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise<{ code: number | null }>((resolve) => child.once("exit", (code) => resolve({ code })));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk) => String(chunk).includes("ready") && resolve());
      child.once("exit", () => reject(new Error("the script ended before PostgreSQL was ready")));
    });
    expect(await selectOne(embeddedAdminUrl(port))).toBe(1);

    child.kill("SIGTERM");
    expect(await exited).toEqual({ code: 128 + os.constants.signals.SIGTERM });
    await expect(selectOne(embeddedAdminUrl(port))).rejects.toThrow(/ECONNREFUSED/);
    await expect(fs.access(path.join(dataDir, "postmaster.pid"))).rejects.toThrow(); // a clean shutdown
  });

  it("listens on loopback TCP only: no Unix socket or lock file left in /tmp", async () => {
    const dataDir = path.join(await tempDir(0o755), "data");
    const port = await freePort();
    await started({ dataDir, port, unsafeFast: true });
    await expect(fs.access(`/tmp/.s.PGSQL.${port}`)).rejects.toThrow();
    await expect(fs.access(`/tmp/.s.PGSQL.${port}.lock`)).rejects.toThrow();
  });
});

// PostgreSQL refuses to run as root; these cover what we do about it, so they
// need root (CI runs as root).
describe.runIf(isRoot)("embedded PostgreSQL started by root", () => {
  it("runs when the project sits in a folder the `postgres` user cannot enter, keeping the data under the state folder", async () => {
    const project = await tempDir(0o700);
    const stateDir = await tempDir(0o755);
    const dataDir = path.join(project, ".data", "postgres");
    const lines: string[] = [];
    const server = await started({ dataDir, port: await freePort(), unsafeFast: true, stateDir, log: (line) => lines.push(line) });
    expect(await selectOne(server.adminUrl)).toBe(1);
    expect(lines.join("\n")).toContain(`keeping the data of ${dataDir} in ${stateDir}/data-`);
    const [moved] = (await fs.readdir(stateDir)).filter((name) => name.startsWith("data-"));
    expect(await fs.readFile(path.join(stateDir, moved, "PG_VERSION"), "utf8")).toMatch(/^\d+/);
    await expect(fs.access(dataDir)).rejects.toThrow(); // nothing half-made in the project

    // The same project finds its data again after a restart.
    await server.stop();
    const again = await started({ dataDir, port: await freePort(), unsafeFast: true, stateDir });
    expect(await selectOne(again.adminUrl)).toBe(1);
  });

  it("copies the binaries where the `postgres` user can run them when it cannot reach node_modules", async () => {
    const user = await postgresSystemUser(() => {});
    const bundled = await bundledPostgres();
    const hidden = await tempDir(0o700);
    const nativeCopy = path.join(hidden, "pkg", "native");
    await fs.cp(path.dirname(path.dirname(bundled.postgres)), nativeCopy, { recursive: true, verbatimSymlinks: true });
    await fs.copyFile(path.join(path.dirname(bundled.postgres), "..", "..", "package.json"), path.join(hidden, "pkg", "package.json"));
    const unreachable = { initdb: path.join(nativeCopy, "bin", "initdb"), postgres: path.join(nativeCopy, "bin", "postgres") };
    await expect(execFileAsync(unreachable.postgres, ["--version"], user)).rejects.toThrow(/EACCES/);

    const stateDir = await tempDir(0o755);
    const { binaries } = await reachableByPostgres({ binaries: unreachable, dataDir: path.join(stateDir, "x", "data"), user, log: () => {}, stateDir });
    expect(binaries.postgres.startsWith(stateDir)).toBe(true);
    const { stdout } = await execFileAsync(binaries.postgres, ["--version"], user);
    expect(stdout).toMatch(/PostgreSQL\) \d+/);
    const initdb = await execFileAsync(binaries.initdb, ["--version"], user);
    expect(initdb.stdout).toMatch(/initdb/);
  });

  it("refuses a state folder that others could write to", async () => {
    const user = await postgresSystemUser(() => {});
    const stateDir = await tempDir(0o777);
    const dataDir = path.join(await tempDir(0o700), "data");
    await expect(reachableByPostgres({ binaries: await bundledPostgres(), dataDir, user, log: () => {}, stateDir })).rejects.toThrow(
      `${stateDir} must be a directory owned by root and writable only by it.`,
    );
  });
});

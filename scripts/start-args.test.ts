// npm start's options: --help and a bad option answer before anything starts (no build, no database).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const run = (...args: string[]) =>
  spawnSync(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "scripts/start.ts", ...args], {
    encoding: "utf8",
    timeout: 30_000,
  });

describe("npm start's options", () => {
  it("prints the usage and exits 0 on --help", () => {
    const result = run("--help");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: npm start \[-- --catalog <file\|URL>\]/);
    expect(result.stdout).toContain("TASTE_CLUSTERS_CATALOG");
    expect(result.stdout).not.toContain("[taste-clusters]");
  });

  it("prints the usage and exits 2 on an unknown option, without a stack trace", () => {
    const result = run("--catalgo", "x.csv");
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Unknown option '--catalgo'/);
    expect(result.stderr).toContain("usage: npm start");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 when --catalog has no value", () => {
    const result = run("--catalog");
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--catalog/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

// npm run recommend's options: --help and a bad option answer before anything starts (no database).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const run = (...args: string[]) =>
  spawnSync(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "scripts/recommend.ts", ...args], {
    encoding: "utf8",
    timeout: 30_000,
    input: "",
  });

describe("npm run recommend's options", () => {
  it("prints the usage, ids on standard input included, and exits 0 on --help", () => {
    const result = run("--help");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: npm run recommend -- --ids/);
    expect(result.stdout).toContain("standard input");
    expect(result.stderr).toBe("");
  });

  it("prints the usage and exits 2 on an unknown option, without a stack trace", () => {
    const result = run("--idz", "abc");
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Unknown option '--idz'/);
    expect(result.stderr).toContain("usage: npm run recommend");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * SQL that turns the database of schema `from` (or an empty one) into that of
 * schema `to`, produced by Prisma 6.19's JS schema engine (devDependency
 * `prisma6`) because Prisma 7's native engine cannot be downloaded offline.
 * The engine connects to `databaseUrl` but only reads from it.
 */
export async function schemaDiffSql(from: string | "empty", to: string, databaseUrl: string): Promise<string> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), "schema-diff-"));
  try {
    const toFile = await withDatasourceUrl(to, path.join(work, "to.prisma"));
    const fromArgs = from === "empty"
      ? ["--from-empty"]
      : ["--from-schema-datamodel", await withDatasourceUrl(from, path.join(work, "from.prisma"))];
    const cli = path.resolve("node_modules/prisma6/build/index.js");
    const { stdout } = await run(process.execPath, [
      cli, "migrate", "diff", "--config", path.resolve("prisma/tools/js-engine.config.ts"),
      ...fromArgs, "--to-schema-datamodel", toFile, "--script",
    ], {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        // Prisma 6 insists on locating native engines it never uses in JS-engine
        // mode; any existing file stops it from downloading them.
        PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
        PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        CHECKPOINT_DISABLE: "1",
      },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** Prisma 7 schemas keep the URL in prisma.config.ts; Prisma 6 wants it in the datasource block. */
async function withDatasourceUrl(schemaText: string, file: string): Promise<string> {
  const patched = schemaText.replace(
    /datasource\s+db\s*\{([^}]*)\}/,
    (_block, body: string) => `datasource db {${body}  url = env("DATABASE_URL")\n}`,
  );
  await fs.writeFile(file, patched);
  return file;
}

/** True when a diff script holds no statement (only comments/blank lines). */
export function isEmptyDiff(sql: string): boolean {
  return sql
    .split("\n")
    .map((line) => line.trim())
    .every((line) => line === "" || line.startsWith("--") || line === "This is an empty migration.");
}

import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { applyMigrations, readMigrations } from "./migrate";
import { schemaDiffSql } from "./schema-sql";

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Tables, columns, indexes and constraints of the public schema, as comparable text. */
async function describeSchema(url: string): Promise<string[]> {
  const columns = await query<{ line: string }>(url, `
    SELECT format('column %s.%s %s %s null=%s default=%s', table_name, column_name, data_type, udt_name,
                  is_nullable, coalesce(column_default, '')) AS line
    FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`);
  const indexes = await query<{ line: string }>(url, `
    SELECT 'index ' || indexdef AS line FROM pg_indexes
    WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`);
  const constraints = await query<{ line: string }>(url, `
    SELECT format('constraint %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) AS line
    FROM pg_constraint
    WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations'`);
  return [...columns, ...indexes, ...constraints].map((r) => r.line).sort();
}

describe("migrations", () => {
  let migrated: TestDatabase;
  let fromSchema: TestDatabase;

  beforeAll(async () => {
    migrated = await createTestDatabase("migrated", { migrated: false });
    fromSchema = await createTestDatabase("fromschema", { migrated: false });
  });
  afterAll(async () => {
    await migrated?.drop();
    await fromSchema?.drop();
  });

  it("applies every migration once and records it the way Prisma does", async () => {
    const migrations = await readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    expect(await applyMigrations(migrated.url, migrations)).toEqual(migrations.map((m) => m.name));
    expect(await applyMigrations(migrated.url, migrations)).toEqual([]);

    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      migrated.url, `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`);
    const first = migrations[0];
    const bytes = await fs.readFile(`prisma/migrations/${first.name}/migration.sql`);
    expect(rows[0]).toMatchObject({
      migration_name: first.name,
      checksum: createHash("sha256").update(bytes).digest("hex"),
      applied_steps_count: 1,
    });
    expect(rows.every((r) => r.finished_at instanceof Date)).toBe(true);
  });

  it("refuses to run when an applied migration was edited afterwards", async () => {
    const [first, ...rest] = await readMigrations();
    const edited = { ...first, checksum: "0".repeat(64) };
    await expect(applyMigrations(migrated.url, [edited, ...rest])).rejects.toThrow(/was changed after it was applied/);
  });

  it("builds exactly the database that prisma/schema.prisma describes (no drift)", async () => {
    const schema = await fs.readFile("prisma/schema.prisma", "utf8");
    const sql = await schemaDiffSql("empty", schema, fromSchema.url);
    await query(fromSchema.url, sql);
    const expected = await describeSchema(fromSchema.url);
    expect(expected.length).toBeGreaterThan(20);
    expect(await describeSchema(migrated.url)).toEqual(expected);
  });
});

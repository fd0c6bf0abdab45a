// npm run db:migrate: applies prisma/migrations (idempotent) to DATABASE_URL or the embedded database.
import { openDatabase } from "../lib/db/database";
import { applyMigrations, readMigrations } from "../lib/db/migrate";

const database = await openDatabase();
try {
  const applied = await applyMigrations(database.url, await readMigrations());
  console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}` : "Database is up to date.");
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await database.close();
}

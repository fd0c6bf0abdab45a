import { startThrowawayPostgres } from "./throwaway-postgres";

/**
 * Gives integration tests a PostgreSQL server: the one in DATABASE_URL when set
 * (tests create and drop their own databases on it), otherwise a throw-away
 * embedded cluster. Tests read its admin URL from TEST_PG_ADMIN_URL.
 */
export default async function setup() {
  const configured = process.env.DATABASE_URL?.trim();
  if (configured) {
    process.env.TEST_PG_ADMIN_URL = configured;
    return async () => {};
  }
  const server = await startThrowawayPostgres();
  process.env.TEST_PG_ADMIN_URL = server.adminUrl;
  return async () => {
    await server.stop();
  };
}

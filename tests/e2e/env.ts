export const E2E_PORT = Number(process.env.E2E_PORT ?? 3210);
/** The suite needs a PostgreSQL server it can reach: it creates a fresh database per run and edits sessions to test the idle timeout. */
export const E2E_ADMIN_DATABASE_URL =
  process.env.E2E_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const STATE_FILE = `${__dirname}/../../test-results/e2e-state.json`;

/** `npm run db:migrate`: applies drizzle/ migrations to DATABASE_URL (or the embedded PGlite); non-zero exit on failure. */
import { applyMigrations, closeDb, getDbHandle } from "./client";

async function main() {
  const h = await getDbHandle();
  // Idempotent: start-up may already have applied them when DB_AUTO_MIGRATE is on.
  await applyMigrations(h);
  console.log(`migrations applied (${h.kind})`);
  await closeDb();
}

main().catch((err) => {
  console.error(`db:migrate failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Db } from "./client";

/** Readiness: the database answers and every migration in drizzle/ has been applied. */
export async function migrationStatus(db: Db): Promise<{ applied: number; expected: number; current: boolean }> {
  const journal = JSON.parse(readFileSync(path.resolve(process.cwd(), "drizzle/meta/_journal.json"), "utf8")) as {
    entries: unknown[];
  };
  const res = await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  const rows = (res as unknown as { rows: { n: number }[] }).rows;
  const applied = Number(rows[0]?.n ?? 0);
  return { applied, expected: journal.entries.length, current: applied >= journal.entries.length };
}

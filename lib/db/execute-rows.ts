import type { SQL } from "drizzle-orm";
import type { DbOrTx } from "./client";

/**
 * The rows of a raw statement. drizzle's node-postgres driver answers `execute` with pg's result ({ rows }), PGlite's
 * with its own — both carry `rows`, an array is accepted too.
 */
export async function executeRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const res = (await db.execute(query)) as unknown as { rows?: T[] } | T[];
  return Array.isArray(res) ? res : (res.rows ?? []);
}

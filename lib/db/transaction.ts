import { getDb, type Tx } from "./client";

/** Runs `fn` in one database transaction; audit rows written with the same `tx` commit or roll back with the change. */
export async function withTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  const db = await getDb();
  return db.transaction(fn);
}

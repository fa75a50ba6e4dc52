import type { Ctx } from "../context";
import { getDb, type DbOrTx, type Tx } from "./client";

/** A context whose `db` is an open transaction: verbs called with it join that transaction. */
export type TxCtx = Ctx & { db: Tx };

/** drizzle's transactions (node-postgres and PGlite alike) have rollback(); the database handle does not. */
export function isTransaction(db: DbOrTx | undefined): db is Tx {
  return !!db && typeof (db as { rollback?: unknown }).rollback === "function";
}

/** The handle a read runs on: the caller's (handle or transaction) or the process-wide one. */
export async function dbOf(ctx: Ctx): Promise<DbOrTx> {
  return ctx.db ?? getDb();
}

/**
 * Runs `fn` in one transaction: joins the transaction already in `ctx.db`, or opens one on `ctx.db` (or the
 * process-wide handle). Audit rows written with the TxCtx commit or roll back with the change they describe.
 */
export async function withTransaction<T>(ctx: Ctx, fn: (tx: TxCtx) => Promise<T>): Promise<T> {
  if (isTransaction(ctx.db)) return fn(ctx as TxCtx);
  const db = ctx.db ?? (await getDb());
  return db.transaction((tx) => fn({ ...ctx, db: tx }));
}

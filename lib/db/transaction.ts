import { getDb, type DbOrTx, type Tx } from "./client";

/**
 * What a verb's context looks like to this layer: only its optional handle. (lib/context's Ctx fits; lib/db stays
 * below the context in the layering and does not import it.)
 */
interface HasDb {
  db?: DbOrTx;
}

/** drizzle's transactions (node-postgres and PGlite alike) have rollback(); the database handle does not. */
export function isTransaction(db: DbOrTx | undefined): db is Tx {
  return !!db && typeof (db as { rollback?: unknown }).rollback === "function";
}

/** The handle a read runs on: the caller's (handle or transaction) or the process-wide one. */
export async function dbOf(ctx: HasDb): Promise<DbOrTx> {
  return ctx.db ?? getDb();
}

/**
 * Runs `fn` in one transaction: joins the transaction already in `ctx.db`, or opens one on `ctx.db` (or the
 * process-wide handle). `fn` gets the same context with `db` set to the transaction (a TxCtx), so audit rows and
 * nested verbs written with it commit or roll back with the change they describe.
 */
export async function withTransaction<C extends HasDb, T>(ctx: C, fn: (tx: C & { db: Tx }) => Promise<T>): Promise<T> {
  if (isTransaction(ctx.db)) return fn(ctx as C & { db: Tx });
  const db = ctx.db ?? (await getDb());
  return db.transaction((tx) => fn({ ...ctx, db: tx }));
}

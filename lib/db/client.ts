import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { getConfig } from "../config";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

interface Handle {
  db: Db;
  kind: "postgres" | "pglite";
  close: () => Promise<void>;
}

const MIGRATIONS_FOLDER = path.resolve(process.cwd(), "drizzle");
/** Serialises migrations across replicas starting at once. */
const MIGRATION_LOCK_ID = 7_314_001;

let handle: Promise<Handle> | undefined;

async function open(): Promise<Handle> {
  const cfg = getConfig().database;
  if (cfg.url) {
    const { Pool } = await import("pg");
    const { drizzle } = await import("drizzle-orm/node-postgres");
    const pool = new Pool({ connectionString: cfg.url, max: cfg.poolMax });
    const db = drizzle(pool, { schema }) as unknown as Db;
    return { db, kind: "postgres", close: () => pool.end() };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const dir = path.resolve(cfg.pgliteDir);
  // PGlite does not create parent folders itself.
  mkdirSync(dir, { recursive: true });
  const client = new PGlite(dir);
  await client.waitReady;
  const db = drizzle(client, { schema }) as unknown as Db;
  return { db, kind: "pglite", close: () => client.close() };
}

export async function applyMigrations(h: Handle): Promise<void> {
  if (h.kind === "postgres") {
    const { Client } = await import("pg");
    const { drizzle } = await import("drizzle-orm/node-postgres");
    const { migrate } = await import("drizzle-orm/node-postgres/migrator");
    // Advisory locks belong to a connection: one dedicated client holds lock, migration and unlock.
    const client = new Client({ connectionString: getConfig().database.url });
    await client.connect();
    try {
      await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]).catch(() => undefined);
      await client.end();
    }
  } else {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(h.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  }
}

async function start(): Promise<Handle> {
  const h = await open();
  if (getConfig().database.autoMigrate || h.kind === "pglite") await applyMigrations(h);
  return h;
}

export async function getDbHandle(): Promise<Handle> {
  if (!handle) {
    handle = start();
    // A failed start must not be cached: the next request tries again (e.g. database came up later).
    handle.catch(() => {
      handle = undefined;
    });
  }
  return handle;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

export async function closeDb(): Promise<void> {
  const h = handle;
  handle = undefined;
  if (h) await (await h).close();
}

export { schema };

import { mkdirSync } from "node:fs";
import path from "node:path";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
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

/**
 * The handle lives on globalThis, not in this module: Next.js bundles this file into more than one server bundle
 * (instrumentation — which runs the in-process scheduler — and the app routes), each with its own module instance.
 * With PostgreSQL that meant two pools; with PGlite it meant two embedded databases on one folder, which corrupts it
 * (the demo's first scan hung at "running"). One process, one handle.
 */
const HANDLE = Symbol.for("certifyclouds.db.handle");
const store = globalThis as typeof globalThis & { [HANDLE]?: Promise<Handle> };

async function open(): Promise<Handle> {
  const cfg = getConfig().database;
  if (cfg.url) {
    const { Pool } = await import("pg");
    const { CallbackClient } = await import("./pg-callback-client");
    const pool = new Pool({ connectionString: cfg.url, max: cfg.poolMax, Client: CallbackClient });
    const db = drizzlePg(pool, { schema }) as unknown as Db;
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
  let handle = store[HANDLE];
  if (!handle) {
    handle = start();
    store[HANDLE] = handle;
    // A failed start must not be cached: the next request tries again (e.g. database came up later).
    handle.catch(() => {
      if (store[HANDLE] === handle) store[HANDLE] = undefined;
    });
  }
  return handle;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

export async function closeDb(): Promise<void> {
  const h = store[HANDLE];
  store[HANDLE] = undefined;
  if (h) await (await h).close();
}

export { schema };

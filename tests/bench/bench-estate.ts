/**
 * A benchmark's world on PostgreSQL: a new database (dropped afterwards unless kept), migrated with the app's own code,
 * the synthetic estate seeded into it (seed-estate.ts) and a signed-in Viewer session. Shared by bench:ui and
 * bench:export. DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) is the admin URL.
 */
import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { seedEstate, type EstateSize } from "./seed-estate";

export interface BenchEstate {
  databaseUrl: string;
  /** The server's environment for this database. */
  env: Record<string, string>;
  /** The Cookie header of a Viewer's session. */
  cookie: string;
  assets: number;
  seedSeconds: number;
  drop(): Promise<void>;
}

export async function createBenchEstate(name: string, size: EstateSize, appUrl: string): Promise<BenchEstate> {
  const adminUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const dbName = `cc_bench_${name}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  const databaseUrl = u.toString();
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    SECRET_KEY: randomBytes(32).toString("base64"),
    APP_ENV: "production",
    APP_URL: appUrl,
    LOG_LEVEL: "warn",
    ENTRA_TENANT_ID: "11111111-2222-3333-4444-555555555555",
    ENTRA_CLIENT_ID: "cc-bench",
    ENTRA_CLIENT_SECRET: "cc-bench-secret",
    TENANT_DISPLAY_NAME: "Bench",
  };
  const drop = async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`drop database if exists ${dbName} with (force)`);
    await c.end();
  };
  try {
    // Migrate and create the session with the app's own code (same process env as the server).
    Object.assign(process.env, env, { DB_AUTO_MIGRATE: "true" });
    const { getDb, closeDb } = await import("../../lib/db/client");
    const { upsertUserFromSignIn } = await import("../../lib/auth/users");
    const { createSessionRow } = await import("../../lib/auth/session-store");
    const db = await getDb();
    const t0 = Date.now();
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    await seedEstate((q) => c.query(q), size);
    const [{ n }] = (await c.query("select count(*)::int as n from assets")).rows;
    await c.end();
    const seedSeconds = (Date.now() - t0) / 1000;
    const user = await upsertUserFromSignIn(db, {
      oid: randomUUID(),
      tenantId: env.ENTRA_TENANT_ID,
      upn: "bench@contoso.example",
      name: "Bench Viewer",
      roles: ["CertifyClouds.Viewer"],
    });
    const token = randomBytes(32).toString("base64url");
    await createSessionRow(db, { token, userId: user.id, expires: new Date(Date.now() + 4 * 3_600_000) });
    await closeDb();
    return { databaseUrl, env, cookie: `cc.session=${token}`, assets: n, seedSeconds, drop };
  } catch (err) {
    await drop();
    throw err;
  }
}

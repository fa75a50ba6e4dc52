/**
 * A fresh, migrated database per test file: a new PostgreSQL database when DATABASE_URL is set (the
 * server CI and production use), otherwise an embedded PGlite in a temporary folder.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDbHandle } from "@/lib/db/client";

export interface TestDb {
  kind: "postgres" | "pglite";
  adminUrl?: string;
  url?: string;
  cleanup: () => Promise<void>;
}

const BASE_ENV = {
  APP_ENV: "test",
  SECRET_KEY: "test-secret-key-0123456789abcdef0123456789abcdef",
  LOG_LEVEL: "silent",
  ENTRA_TENANT_ID: "11111111-2222-3333-4444-555555555555",
  ENTRA_CLIENT_ID: "cc-test-client",
  ENTRA_CLIENT_SECRET: "cc-test-client-secret",
};

export async function setupTestDb(extraEnv: Record<string, string> = {}): Promise<TestDb> {
  Object.assign(process.env, BASE_ENV, extraEnv);
  const adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  let result: TestDb;
  if (adminUrl) {
    const name = `cc_test_${process.pid}_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    process.env.TEST_DATABASE_URL = adminUrl;
    process.env.DATABASE_URL = u.toString();
    result = {
      kind: "postgres",
      adminUrl,
      url: u.toString(),
      cleanup: async () => {
        await closeDb();
        const c = new pg.Client({ connectionString: adminUrl });
        await c.connect();
        // pool.end() resolves before its clients' sockets have closed; a forced drop would terminate them mid-close and
        // their "terminating connection" error would surface as an uncaught exception. Wait for them to go first.
        for (let i = 0; i < 50; i++) {
          const { rows } = await c.query("select count(*)::int as n from pg_stat_activity where datname = $1", [name]);
          if (rows[0].n === 0) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), "cc-pglite-"));
    delete process.env.DATABASE_URL;
    process.env.PGLITE_DIR = dir;
    result = {
      kind: "pglite",
      cleanup: async () => {
        await closeDb();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  resetConfigForTests();
  await getDbHandle();
  return result;
}

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { ensureBuild } from "../support/app-server";
import { spawnStack } from "./spawn-stack";
import { E2E_ADMIN_DATABASE_URL, E2E_PORT, STATE_FILE } from "./env";

/**
 * Fresh database, then the whole stack — local cloud (tiny estate), local identity provider and the production
 * build of the console with its scheduler in-process — in a child process for the whole suite.
 */
export default async function globalSetup() {
  const name = `cc_e2e_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: E2E_ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(E2E_ADMIN_DATABASE_URL);
  u.pathname = `/${name}`;
  const databaseUrl = u.toString();

  ensureBuild();
  const options = {
    port: E2E_PORT,
    quiet: true,
    build: false,
    cloud: { estate: "tiny", throttling: false },
    env: {
      DATABASE_URL: databaseUrl,
      SECRET_KEY: randomBytes(32).toString("base64"),
      APP_ENV: "production",
      LOG_LEVEL: "warn",
      // The suite plays the ingress: each test sends its own X-Forwarded-For address.
      TRUST_PROXY: "true",
      SESSION_IDLE_TIMEOUT_MINUTES: "30",
      SIGNIN_RATE_LIMIT_MAX: "5",
      SIGNIN_RATE_LIMIT_WINDOW_SECONDS: "600",
      SIGNIN_LOCKOUT_SECONDS: "600",
      // alerts.spec.ts runs its webhook receiver on loopback
      ALERTS_OUTBOUND_ALLOW: "127.0.0.1/32",
    },
  };
  const stack = await spawnStack(options);
  mkdirSync(path.dirname(STATE_FILE), { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify({ databaseUrl }));

  return async () => {
    await stack.stop();
    const c = new pg.Client({ connectionString: E2E_ADMIN_DATABASE_URL });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
}

import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { ensureBuild } from "../support/app-server";
import { E2E_ADMIN_DATABASE_URL, E2E_PORT, STATE_FILE } from "./env";

const ROOT = path.resolve(__dirname, "../..");

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
  const caPath = spawnSync(process.execPath, [path.join(ROOT, "tests/cloud/ensure-ca.mjs")], { encoding: "utf8" }).stdout.trim();
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
    },
  };
  const child = spawn(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "tests/support/stack-cli.ts")], {
    cwd: ROOT,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caPath, STACK_OPTIONS: JSON.stringify(options) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => reject(new Error("the e2e stack did not start within 120 s")), 120_000);
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      if (buf.includes("STACK_READY ")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`the e2e stack exited during start-up (code ${code})`)));
  });
  child.stdout!.resume();
  mkdirSync(path.dirname(STATE_FILE), { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify({ databaseUrl }));

  return async () => {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
    });
    const c = new pg.Client({ connectionString: E2E_ADMIN_DATABASE_URL });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
}

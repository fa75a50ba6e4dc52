/**
 * What the benchmarks share: the local cloud in a child process (its memory and CPU are not the app's), a fresh
 * PostgreSQL database per run, a signed-in session made with the app's own code, and percentiles.
 */
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import readline from "node:readline";
import pg from "pg";
import type { EstateSpec } from "../cloud/estate";

const ROOT = path.resolve(__dirname, "..", "..");

/** A command-line option's value (`--name value`), or the default. */
export function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] && !process.argv[i + 1].startsWith("--") ? process.argv[i + 1] : dflt;
}

export interface CloudChild {
  /** what the app needs to reach the local cloud (endpoints, credentials) */
  env: Record<string, string>;
  /** the control API (counters, vault list, faults, tokens) */
  control: string;
  spec: EstateSpec;
  estate: { vaults: number; apps: number };
  pid: number | undefined;
  stop: () => void;
}

/**
 * `npm run cloud` as a child process (tsx tests/cloud/cli.ts --json): resolves once it printed its endpoints.
 * `cliOptions`: the cloud CLI's options besides the estate, e.g. `["--latency", "25,0", "--no-throttle"]`.
 * `cpuProfileDir`: the cloud runs under `node --cpu-prof` and writes its profile there when it stops.
 */
export async function startCloudChild(
  estate: string,
  cliOptions: string[],
  cpuProfileDir?: string,
): Promise<CloudChild> {
  const cliArgs = [
    // tsx's CLI runs the script in a second process, which --cpu-prof would not reach: the loader runs in this one
    ...(cpuProfileDir
      ? ["--cpu-prof", "--cpu-prof-dir", cpuProfileDir, "--import", "tsx"]
      : [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs")]),
    path.join(ROOT, "tests", "cloud", "cli.ts"),
    "--estate",
    estate,
    "--json",
    ...cliOptions,
  ];
  // the cloud does not inherit the benchmark's heap flags (NODE_OPTIONS)
  const child = spawn(process.execPath, cliArgs, {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  const stop = () => {
    if (child.exitCode === null) child.kill("SIGTERM");
  };
  process.on("exit", stop);
  const first = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once("line", resolve);
    child.once("exit", (c) => reject(new Error(`cloud exited early (${c})`)));
  });
  const info = JSON.parse(first) as {
    env: Record<string, string>;
    estate: { spec: EstateSpec; vaults: number; apps: number };
  };
  return {
    env: info.env,
    control: info.env.LOCAL_CLOUD_CONTROL_URL,
    spec: info.estate.spec,
    estate: info.estate,
    pid: child.pid,
    stop,
  };
}

/** A new, empty database on the server `adminUrl` points at; `drop()` removes it (connections and all). */
export async function createBenchDatabase(
  adminUrl: string,
  prefix: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`create database ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/**
 * Migrates the database in `env` with the app's own code (run in this process, same env as the server), lets `prepare`
 * write what the run needs, and signs in a user with `role`: returns the session cookie.
 */
export async function prepareBenchDatabase(
  env: Record<string, string>,
  role: "CertifyClouds.Viewer" | "CertifyClouds.Admin",
  prepare?: (databaseUrl: string) => Promise<void>,
): Promise<string> {
  Object.assign(process.env, env, { DB_AUTO_MIGRATE: "true" });
  const { getDb, closeDb } = await import("../../lib/db/client");
  const { upsertUserFromSignIn } = await import("../../lib/auth/users");
  const { createSessionRow } = await import("../../lib/auth/session-store");
  const db = await getDb();
  await prepare?.(env.DATABASE_URL);
  const user = await upsertUserFromSignIn(db, {
    oid: randomUUID(),
    tenantId: env.ENTRA_TENANT_ID,
    upn: "bench@contoso.example",
    name: "Bench User",
    roles: [role],
  });
  const token = randomBytes(32).toString("base64url");
  await createSessionRow(db, { token, userId: user.id, expires: new Date(Date.now() + 4 * 3_600_000) });
  await closeDb();
  return `cc.session=${token}`;
}

/** The production console's environment for a benchmark: a fresh secret key, a test tenant, warnings only. */
export function benchAppEnv(appUrl: string, databaseUrl: string): Record<string, string> {
  return {
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
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs `fn` under the V8 CPU profiler and writes the profile to `file` (no file: runs it unprofiled). */
export async function profiled<T>(file: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (!file) return fn();
  const { Session } = await import("node:inspector");
  const { mkdirSync, writeFileSync } = await import("node:fs");
  const { dirname } = await import("node:path");
  // a missing folder used to end the run after the first evaluation, with the error hidden behind the database drop
  mkdirSync(dirname(file), { recursive: true });
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) => session.post(method, (err, res) => (err ? reject(err) : resolve(res))));
  await post("Profiler.enable");
  await post("Profiler.start");
  try {
    return await fn();
  } finally {
    const res = (await post("Profiler.stop")) as { profile: unknown };
    writeFileSync(file, JSON.stringify(res.profile));
    session.disconnect();
    console.log(`CPU profile written to ${file}`);
  }
}

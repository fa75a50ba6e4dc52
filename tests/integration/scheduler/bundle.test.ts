// The scheduler as the image runs it: `node scheduler.js` from a folder holding only what the build writes for it
// (the esbuild bundle, the packages it leaves outside, the migrations), with no tsx, no lib/ sources and no source
// tree node_modules anywhere above it. It starts, migrates an empty database, scans the local cloud on first start
// and exits 0 on SIGTERM.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloud, type LocalCloud } from "../../cloud";
import { sleep } from "./helpers";
import { childEnv, killGroup, spawnScheduler, type SchedulerChild } from "./spawn";

const ROOT = path.resolve(__dirname, "../../..");

let outDir: string;
let pgliteDir: string | undefined;
let cloud: LocalCloud;
let child: SchedulerChild | undefined;
let dbName: string | undefined;
const adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  outDir = mkdtempSync(path.join(tmpdir(), "cc-scheduler-bundle-"));
  execFileSync(process.execPath, [path.join(ROOT, "infra/build/scheduler-bundle.mjs"), outDir], { cwd: ROOT });
  // complete-standalone.mjs puts the migrations beside it
  cpSync(path.join(ROOT, "drizzle"), path.join(outDir, "drizzle"), { recursive: true });
  cloud = await startCloud({ estate: "tiny", throttling: false });
}, 120_000);

afterAll(async () => {
  killGroup(child);
  await sleep(200);
  await cloud?.stop();
  if (dbName && adminUrl) await admin(adminUrl, (c) => c.query(`drop database if exists ${dbName} with (force)`));
  for (const d of [outDir, pgliteDir]) if (d) rmSync(d, { recursive: true, force: true });
});

describe("node scheduler.js from the build output alone", () => {
  it("holds the bundle, its outside packages and the migrations — and no tsx, no sources", () => {
    expect(readdirSync(outDir).sort()).toEqual(["drizzle", "node_modules", "scan-worker.js", "scheduler.js"]);
    expect(readdirSync(path.join(outDir, "node_modules"))).toEqual(["@electric-sql"]);
    // nothing above the folder resolves packages for it either
    for (let d = path.dirname(outDir); d !== path.dirname(d); d = path.dirname(d))
      expect(existsSync(path.join(d, "node_modules")), d).toBe(false);
  });

  it("starts, migrates an empty database, scans the local cloud and exits 0 on SIGTERM", async () => {
    const env = childEnv({ ...cloud.env, LOG_LEVEL: "info", NODE_OPTIONS: undefined, NODE_PATH: undefined });
    if (adminUrl) {
      // an empty database: the bundle must create the schema itself
      dbName = `cc_test_bundle_${randomBytes(4).toString("hex")}`;
      await admin(adminUrl, (c) => c.query(`create database ${dbName}`));
      const u = new URL(adminUrl);
      u.pathname = `/${dbName}`;
      env.DATABASE_URL = u.toString();
      delete env.PGLITE_DIR;
    } else {
      pgliteDir = mkdtempSync(path.join(tmpdir(), "cc-scheduler-bundle-db-"));
      delete env.DATABASE_URL;
      env.PGLITE_DIR = pgliteDir;
    }
    child = await spawnScheduler(env, [], outDir);

    // a fresh install scans at once (runOnFirstStart): queued, claimed and finished by the bundle
    const finished = await child.waitForLog((l) => l.module === "discovery" && l.msg === "scan finished", 90_000);
    // the tiny estate has vaults the scanner may not read: those are recorded, not fatal
    expect(["completed", "completed_with_errors"], child.stderr()).toContain(finished.status);
    expect(finished.vaults).toBe(5);
    expect(finished.objects).toBeGreaterThan(0);
    // the bundle must behave as the sources do: no SDK broken by bundling (esbuild renamed the class that the
    // Resource Graph client's fetch checks by name, so every scan fell back to the slower per-subscription listing)
    const errors = child.lines.filter((l) => Number(l.level) >= 50 || /falling back/.test(String(l.msg)));
    expect(errors.map((l) => `${l.msg}: ${JSON.stringify(l.err ?? "")}`)).toEqual([]);
    const health = await fetch(`http://127.0.0.1:${child.port}/healthz`);
    expect(health.status).toBe(200);

    const result = await Promise.race([child.stop("SIGTERM"), sleep(15_000).then(() => "timeout")]);
    expect(result, child.stderr()).toEqual({ code: 0, signal: null });
    expect(child.lines.some((l) => l.msg === "scheduler stopped")).toBe(true);
    if (env.DATABASE_URL) {
      const { rows } = await admin(env.DATABASE_URL, (c) =>
        c.query("select status, vaults_done from scan_runs order by created_at"),
      );
      expect(rows).toEqual([{ status: finished.status, vaults_done: 5 }]);
    }
  }, 150_000);
});

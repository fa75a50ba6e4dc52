// The standalone entrypoint as a real process: serves /healthz, and exits 0 on SIGTERM after releasing its leases.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { isNotNull } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { schedulerJobs } from "@/lib/db/schema";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { sleep } from "./helpers";
import { childEnv, killGroup, spawnScheduler, type SchedulerChild } from "./spawn";

let t: TestDb | undefined;
let pgliteDir: string | undefined;
let child: SchedulerChild | undefined;

afterAll(async () => {
  killGroup(child);
  await sleep(200);
  await t?.cleanup();
  if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
});

describe("npm run scheduler (lib/scheduler/main.ts)", () => {
  it("serves /healthz and exits 0 on SIGTERM, releasing its leases", async () => {
    const env = childEnv({ LOG_LEVEL: "silent" });
    if (process.env.DATABASE_URL) {
      // A fresh database, created and migrated here; the child connects to it like another replica.
      t = await setupTestDb();
      env.DATABASE_URL = t.url!;
      delete env.PGLITE_DIR;
    } else {
      // PGlite is single-process: the child owns this folder alone.
      pgliteDir = mkdtempSync(path.join(tmpdir(), "cc-sched-main-"));
      delete env.DATABASE_URL;
      env.PGLITE_DIR = pgliteDir;
    }
    const proc = await spawnScheduler(env);
    child = proc;

    let body: { ok: boolean; lastTickAt: string; jobs: { name: string }[] } | undefined;
    let last = "no response";
    const deadline = Date.now() + 60_000;
    while (!body) {
      if (proc.proc.exitCode !== null)
        throw new Error(`scheduler exited early (${proc.proc.exitCode}): ${proc.stderr()}`);
      if (Date.now() > deadline) throw new Error(`no healthy /healthz within 60 s (last: ${last}): ${proc.stderr()}`);
      try {
        const r = await fetch(`http://127.0.0.1:${proc.port}/healthz`);
        if (r.status === 200) body = await r.json();
        else last = `${r.status} ${await r.text()}`;
      } catch {
        // not listening yet
      }
      if (!body) await sleep(200);
    }
    expect(body.ok).toBe(true);
    expect(body.lastTickAt).toEqual(expect.any(String));
    expect(body.jobs.map((j) => j.name).sort()).toEqual([
      "alert-delivery",
      "alert-digest",
      "alert-history-retention",
      "audit-anchor",
      "compliance-refresh",
      "monthly-evidence",
      "rotation-auto",
      "rotation-worker",
      "scan-worker",
      "scheduled-scan",
      "session-cleanup",
    ]);

    const t0 = Date.now();
    const timeout = sleep(10_000).then(() => ({ code: -1 as number | null, signal: null as NodeJS.Signals | null }));
    const result = await Promise.race([proc.stop("SIGTERM"), timeout]);
    expect(result, proc.stderr()).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(10_000);

    if (t) {
      const held = await (await getDb()).select().from(schedulerJobs).where(isNotNull(schedulerJobs.lockedBy));
      expect(held).toEqual([]);
    }
  }, 100_000);
});

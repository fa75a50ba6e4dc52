// The scheduler core against a real database (PostgreSQL when DATABASE_URL is set, else PGlite), with test jobs.
import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { schedulerJobs, settings } from "@/lib/db/schema";
import { startHealthServer } from "@/lib/scheduler/health";
import { nextCronRun } from "@/lib/cron";
import { scheduledScanJob } from "@/lib/scheduler/jobs";
import { startScheduler } from "@/lib/scheduler/scheduler";
import type { CronSchedule, JobDefinition, SchedulerHandle } from "@/lib/scheduler/types";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { jobRow, secondDb, sleep, waitFor } from "./helpers";

let t: TestDb;
const started: SchedulerHandle[] = [];
const cleanups: (() => Promise<void>)[] = [];

function start(opts: Parameters<typeof startScheduler>[0]) {
  const s = startScheduler(opts);
  started.push(s);
  return s;
}

beforeAll(async () => {
  t = await setupTestDb();
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
  for (const c of cleanups.splice(0)) await c();
});
afterAll(async () => t?.cleanup());

describe("two instances against one database", () => {
  it("never run the same job concurrently, and the job does run", async () => {
    const runs: { by: string; start: number; end: number }[] = [];
    const job = (by: string): JobDefinition => ({
      name: "exclusive",
      schedule: { everyMs: 10 },
      run: async (ctx) => {
        expect(ctx.actor).toEqual({ type: "system", job: "exclusive" });
        const r = { by, start: performance.now(), end: 0 };
        await sleep(60);
        r.end = performance.now();
        runs.push(r);
      },
    });
    const other = await secondDb(t.kind);
    cleanups.push(other.close);
    const a = start({ jobs: [job("a")], tickMs: 15, instanceId: "replica-a" });
    const b = start({ jobs: [job("b")], tickMs: 15, instanceId: "replica-b", db: other.db });
    await sleep(1500);
    await Promise.all([a.stop(), b.stop()]);

    expect(runs.length).toBeGreaterThanOrEqual(5);
    const sorted = [...runs].sort((x, y) => x.start - y.start);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i].start).toBeGreaterThanOrEqual(sorted[i - 1].end);
    const row = await jobRow("exclusive");
    // The run in flight at stop() saw its signal abort: recorded as aborted (it will run again), lease released.
    expect(row).toMatchObject({ lockedBy: null, lockedUntil: null });
    expect(["succeeded", "aborted"]).toContain(row.lastStatus);
    expect(new Set(runs.map((r) => r.by)).size).toBeGreaterThanOrEqual(1);
  });

  it("two ticks racing for one due job: exactly one claims it", async () => {
    const calls: string[] = [];
    const mk = (by: string): JobDefinition => ({
      name: "race",
      schedule: { everyMs: 60_000 },
      run: async () => void calls.push(by),
    });
    const other = await secondDb(t.kind);
    cleanups.push(other.close);
    const a = start({ jobs: [mk("a")], autoTick: false, instanceId: "race-a" });
    const b = start({ jobs: [mk("b")], autoTick: false, instanceId: "race-b", db: other.db });
    for (let i = 0; i < 5; i++) await Promise.all([a.tickNow(), b.tickNow()]);
    await Promise.all([a.idle(), b.idle()]);
    expect(calls).toHaveLength(1);
  });
});

describe("cron schedules", () => {
  it("computes next_run_at from the cron in its timezone, follows a changed schedule, and clears it when disabled", async () => {
    const sched: CronSchedule = { cron: "0 9 * * *", timezone: "Europe/Amsterdam", enabled: true };
    const ran: number[] = [];
    const s = start({
      jobs: [{ name: "cron-job", schedule: () => ({ ...sched }), run: async () => void ran.push(Date.now()) }],
      autoTick: false,
    });

    const before = new Date();
    await s.tickNow();
    let row = await jobRow("cron-job");
    expect(row.nextRunAt?.toISOString()).toBe(nextCronRun("0 9 * * *", "Europe/Amsterdam", before).toISOString());

    sched.timezone = "UTC";
    await s.tickNow();
    row = await jobRow("cron-job");
    expect(row.nextRunAt?.toISOString()).toBe(nextCronRun("0 9 * * *", "UTC", new Date()).toISOString());

    sched.cron = "15 */2 * * *";
    await s.tickNow();
    row = await jobRow("cron-job");
    expect(row.nextRunAt?.toISOString()).toBe(nextCronRun("15 */2 * * *", "UTC", new Date()).toISOString());

    // Disabled: next_run_at is cleared and the job does not run, even if it was overdue.
    const db = await getDb();
    await db
      .update(schedulerJobs)
      .set({ nextRunAt: sql`now() - interval '1 hour'` })
      .where(eq(schedulerJobs.name, "cron-job"));
    sched.enabled = false;
    await s.tickNow();
    await s.idle();
    expect(ran).toHaveLength(0);
    row = await jobRow("cron-job");
    expect(row.nextRunAt).toBeNull();
    expect(s.status().jobs[0]).toMatchObject({ name: "cron-job", enabled: false, nextRunAt: null });
    expect(row.lastStartedAt).toBeNull();

    // Re-enabled on an every-second cron: it runs once due, then moves on to the next occurrence.
    Object.assign(sched, { enabled: true, cron: "* * * * * *" });
    await s.tickNow();
    await sleep(1100);
    await s.tickNow();
    await s.idle();
    expect(ran).toHaveLength(1);
    row = await jobRow("cron-job");
    expect(row.lastStatus).toBe("succeeded");
    expect(row.nextRunAt!.getTime()).toBeGreaterThan(row.lastStartedAt!.getTime());
  });

  it("an overdue run that still matches the schedule runs once (catch-up), not once per missed occurrence", async () => {
    const ran: number[] = [];
    const s = start({
      jobs: [
        {
          name: "catch-up",
          schedule: () => ({ cron: "*/5 * * * *", timezone: "UTC", enabled: true }),
          run: async () => void ran.push(1),
        },
      ],
      autoTick: false,
    });
    await s.tickNow();
    const db = await getDb();
    // As if the scheduler had been down for three hours since an occurrence.
    const missed = nextCronRun("*/5 * * * *", "UTC", new Date(Date.now() - 3 * 3600_000));
    await db.update(schedulerJobs).set({ nextRunAt: missed }).where(eq(schedulerJobs.name, "catch-up"));
    await s.tickNow();
    await s.idle();
    await s.tickNow();
    await s.idle();
    expect(ran).toHaveLength(1);
    expect((await jobRow("catch-up")).nextRunAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it("scheduled-scan runs once right away on a fresh install, then follows its cron", async () => {
    const ran: string[] = [];
    const job: JobDefinition = {
      ...scheduledScanJob,
      name: "fresh-install-scan",
      run: async (ctx) => void ran.push(ctx.actor.type === "system" ? ctx.actor.job : "?"),
    };
    const s = start({ jobs: [job], autoTick: false });
    await s.tickNow();
    await s.idle();
    expect(ran).toEqual(["fresh-install-scan"]);
    const row = await jobRow("fresh-install-scan");
    expect(row.lastStatus).toBe("succeeded");
    expect(row.nextRunAt?.toISOString()).toBe(nextCronRun("0 */6 * * *", "UTC", new Date()).toISOString());
    await s.tickNow();
    await s.idle();
    expect(ran).toHaveLength(1);
  });

  it("scheduled-scan follows the scan.schedule setting (changed in Settings → next_run_at changes; disabled → no run)", async () => {
    const db = await getDb();
    const ran: string[] = [];
    // Not a fresh install here: only the schedule is under test.
    const job: JobDefinition = {
      ...scheduledScanJob,
      runOnFirstStart: false,
      run: async (ctx) => void ran.push(ctx.actor.type === "system" ? ctx.actor.job : "?"),
    };
    const s = start({ jobs: [job], autoTick: false });

    await s.tickNow(); // default setting: 0 */6 * * * UTC, enabled
    expect((await jobRow("scheduled-scan")).nextRunAt?.toISOString()).toBe(
      nextCronRun("0 */6 * * *", "UTC", new Date()).toISOString(),
    );

    const put = (value: object) =>
      db
        .insert(settings)
        .values({ key: "scan.schedule", value, updatedBy: "test" })
        .onConflictDoUpdate({ target: settings.key, set: { value } });
    await put({ enabled: true, cron: "30 1 * * *", timezone: "Europe/Amsterdam", mode: "full" });
    await s.tickNow();
    expect((await jobRow("scheduled-scan")).nextRunAt?.toISOString()).toBe(
      nextCronRun("30 1 * * *", "Europe/Amsterdam", new Date()).toISOString(),
    );

    await put({ enabled: false, cron: "* * * * * *", timezone: "UTC", mode: "delta" });
    await s.tickNow();
    await sleep(1100);
    await s.tickNow();
    await s.idle();
    expect((await jobRow("scheduled-scan")).nextRunAt).toBeNull();
    expect(ran).toEqual([]);

    await put({ enabled: true, cron: "* * * * * *", timezone: "UTC", mode: "delta" });
    await s.tickNow();
    await sleep(1100);
    await s.tickNow();
    await s.idle();
    expect(ran).toEqual(["scheduled-scan"]);
  });

  it("an invalid schedule is recorded as failed and not run; other jobs keep running", async () => {
    const ran: string[] = [];
    const s = start({
      jobs: [
        {
          name: "bad-cron",
          schedule: () => ({ cron: "0 9 * * *", timezone: "Nowhere/Land", enabled: true }),
          run: async () => void ran.push("bad"),
        },
        { name: "good", schedule: { everyMs: 60_000 }, run: async () => void ran.push("good") },
      ],
      autoTick: false,
    });
    await s.tickNow();
    await s.idle();
    expect(ran).toEqual(["good"]);
    const row = await jobRow("bad-cron");
    expect(row).toMatchObject({ lastStatus: "failed", nextRunAt: null });
    expect(row.lastError).toMatch(/invalid schedule: unknown timezone/);
  });
});

describe("failures, leases and shutdown", () => {
  it("a failing job records lastStatus failed + error and the loop continues", async () => {
    let fails = 0;
    let oks = 0;
    const s = start({
      jobs: [
        {
          name: "flaky",
          schedule: { everyMs: 20 },
          run: async () => {
            fails++;
            throw new Error("boom: vault unreachable");
          },
        },
        { name: "steady", schedule: { everyMs: 20 }, run: async () => void oks++ },
      ],
      tickMs: 20,
    });
    await waitFor(() => fails >= 3 && oks >= 3);
    await s.stop();
    const row = await jobRow("flaky");
    expect(row).toMatchObject({ lastStatus: "failed", lockedBy: null });
    expect(row.lastError).toContain("boom: vault unreachable");
    expect((await jobRow("steady")).lastStatus).toBe("succeeded");
    const st = s.status().jobs.find((j) => j.name === "flaky")!;
    expect(st).toMatchObject({ lastStatus: "failed", lastError: "boom: vault unreachable" });
  });

  it("lease expiry lets another instance take over a job whose holder died", async () => {
    const db = await getDb();
    const ran: string[] = [];
    const s = start({
      jobs: [{ name: "orphan", schedule: { everyMs: 60_000 }, run: async () => void ran.push("b") }],
      autoTick: false,
      instanceId: "survivor",
    });
    await s.tickNow();
    await s.idle();
    expect(ran).toHaveLength(1);
    // A holder that claimed the job and died: lease held, never renewed, never released; the run is due again.
    await db
      .update(schedulerJobs)
      .set({
        lockedBy: "dead-replica",
        lockedUntil: sql`now() + interval '600 milliseconds'`,
        nextRunAt: sql`now() - interval '1 second'`,
      })
      .where(eq(schedulerJobs.name, "orphan"));
    await s.tickNow();
    await s.idle();
    expect(ran).toHaveLength(1); // lease still current
    expect(s.status().jobs[0].lockedBy).toBe("dead-replica");
    await sleep(700);
    await s.tickNow();
    await s.idle();
    expect(ran).toHaveLength(2);
    expect(await jobRow("orphan")).toMatchObject({ lastStatus: "succeeded", lockedBy: null });
  });

  it("renews the lease of a long run, and aborts a run whose lease was taken over", async () => {
    const db = await getDb();
    let aborted = false;
    const s = start({
      jobs: [
        {
          name: "long",
          schedule: { everyMs: 60_000 },
          leaseMs: 300,
          run: (_ctx, signal) =>
            new Promise<void>((resolve, reject) => {
              signal.addEventListener(
                "abort",
                () => {
                  aborted = true;
                  reject(signal.reason);
                },
                { once: true },
              );
            }),
        },
      ],
      autoTick: false,
      instanceId: "holder",
    });
    await s.tickNow();
    const first = (await jobRow("long")).lockedUntil!;
    await sleep(450); // longer than the lease: only renewal keeps it
    const renewed = await jobRow("long");
    expect(renewed.lockedBy).toBe("holder");
    expect(renewed.lockedUntil!.getTime()).toBeGreaterThan(first.getTime());
    expect(renewed.lockedUntil!.getTime()).toBeGreaterThan(Date.now() - 50);
    // Another replica took over (e.g. this one was paused past its lease).
    await db.update(schedulerJobs).set({ lockedBy: "usurper" }).where(eq(schedulerJobs.name, "long"));
    await waitFor(() => aborted, 2000);
    await s.idle();
    expect((await jobRow("long")).lockedBy).toBe("usurper"); // the old holder records nothing over it
  });

  it("stop() aborts running jobs, waits for them, keeps next_run_at and releases the lease", async () => {
    let sawAbort = false;
    const s = start({
      jobs: [
        {
          name: "cooperative",
          schedule: { everyMs: 60_000 },
          run: (_c, signal) =>
            new Promise<void>((resolve) =>
              signal.addEventListener("abort", () => {
                sawAbort = true;
                setTimeout(resolve, 50);
              }),
            ),
        },
      ],
      autoTick: false,
      instanceId: "stopper",
    });
    await s.tickNow();
    const claimed = await jobRow("cooperative");
    expect(claimed.lockedBy).toBe("stopper");
    await s.stop();
    expect(sawAbort).toBe(true);
    const row = await jobRow("cooperative");
    expect(row).toMatchObject({ lastStatus: "aborted", lockedBy: null, lockedUntil: null });
    expect(row.nextRunAt?.getTime()).toBe(claimed.nextRunAt?.getTime());
    await s.tickNow(); // claims nothing once stopped
    expect((await jobRow("cooperative")).lockedBy).toBeNull();
  });

  it("stop() releases the lease of a job that ignores the abort after the grace period", async () => {
    const s = start({
      jobs: [{ name: "stubborn", schedule: { everyMs: 60_000 }, run: async () => void (await sleep(3000)) }],
      autoTick: false,
      graceMs: 200,
      instanceId: "impatient",
    });
    await s.tickNow();
    expect((await jobRow("stubborn")).lockedBy).toBe("impatient");
    const t0 = Date.now();
    await s.stop();
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(await jobRow("stubborn")).toMatchObject({ lockedBy: null, lastStatus: "aborted" });
  });

  it("stopping through the signal option", async () => {
    const ac = new AbortController();
    const s = start({
      jobs: [{ name: "sig", schedule: { everyMs: 60_000 }, run: async () => undefined }],
      tickMs: 50,
      signal: ac.signal,
    });
    await waitFor(() => s.status().lastTickAt);
    ac.abort();
    await waitFor(() => s.status().stopping);
    expect(s.status().healthy).toBe(false);
  });
});

describe("replica-scoped jobs", () => {
  it("run on every instance, one run at a time per instance, without a lease row", async () => {
    const active = new Map<string, number>();
    let maxActive = 0;
    let total = 0;
    const mk = (by: string): JobDefinition => ({
      name: "worker",
      scope: "replica",
      schedule: { everyMs: 5 },
      run: async () => {
        active.set(by, (active.get(by) ?? 0) + 1);
        maxActive = Math.max(maxActive, active.get(by)!);
        total++;
        await sleep(40);
        active.set(by, active.get(by)! - 1);
      },
    });
    const a = start({ jobs: [mk("a")], tickMs: 10, instanceId: "wa" });
    const b = start({ jobs: [mk("b")], tickMs: 10, instanceId: "wb" });
    await sleep(400);
    expect(a.status().jobs[0]).toMatchObject({ scope: "replica", lastStatus: "succeeded" });
    await Promise.all([a.stop(), b.stop()]);
    expect(maxActive).toBe(1);
    expect(total).toBeGreaterThanOrEqual(4);
    expect(await jobRow("worker")).toBeUndefined();
  });
});

describe("/healthz", () => {
  it("200 with last tick and job statuses while ticking; 503 when the loop has not ticked within 2× the interval", async () => {
    const s = start({
      jobs: [
        {
          name: "health-job",
          schedule: { everyMs: 60_000 },
          run: async () => {
            throw new Error("nope");
          },
        },
      ],
      tickMs: 500,
      autoTick: false,
    });
    const h = await startHealthServer(0, () => s.status(), "127.0.0.1");
    cleanups.push(h.close);
    const get = async () => {
      const r = await fetch(`http://127.0.0.1:${h.port}/healthz`);
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    expect((await get()).status).toBe(503); // never ticked
    await s.tickNow();
    await s.idle();
    const ok = await get();
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      ok: true,
      lastTickAt: expect.any(String),
      jobs: [{ name: "health-job", lastStatus: "failed", lastError: "nope" }],
    });
    await sleep(1100);
    const stale = await get();
    expect(stale.status).toBe(503);
    expect(stale.body.ok).toBe(false);
    expect((await fetch(`http://127.0.0.1:${h.port}/other`)).status).toBe(404);
  });
});

// The real product jobs end to end against the local cloud: the scheduled-scan job queues a scan from the
// scan.schedule setting, the scan-worker job claims and executes it with the real discovery service and Azure SDKs.
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { auditLog, scanRuns, scanVaults, settings, vaults } from "@/lib/db/schema";
import { systemCtx } from "@/lib/context";
import { requestScan } from "@/lib/discovery";
import { updateSetting } from "@/lib/settings/store";
import { scanWorkerJob, scheduledScanJob } from "@/lib/scheduler/jobs";
import { startScheduler, type SchedulerHandle } from "@/lib/scheduler/scheduler";
import { startCloud, type LocalCloud } from "../../cloud";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { jobRow, waitFor } from "./helpers";

let t: TestDb;
let cloud: LocalCloud;
let scheduler: SchedulerHandle | undefined;

beforeAll(async () => {
  t = await setupTestDb();
  cloud = await startCloud({ estate: "tiny", throttling: false });
  Object.assign(process.env, cloud.env);
  resetConfigForTests(); // before the first Azure call
});
afterAll(async () => {
  await scheduler?.stop();
  await cloud?.stop();
  await t?.cleanup();
});

describe("scan-worker + scheduled-scan against the local cloud", () => {
  it("a due schedule queues a scan (system actor, trigger schedule) and a scan worker executes it", async () => {
    const db = await getDb();
    await db
      .insert(settings)
      .values({
        key: "scan.schedule",
        value: { enabled: true, cron: "* * * * * *", timezone: "Europe/Amsterdam", mode: "full" },
        updatedBy: "test",
      })
      .onConflictDoUpdate({
        target: settings.key,
        set: { value: { enabled: true, cron: "* * * * * *", timezone: "Europe/Amsterdam", mode: "full" } },
      });

    scheduler = startScheduler({ jobs: [scheduledScanJob, scanWorkerJob], tickMs: 200, instanceId: "scan-test" });

    const run = await waitFor(
      async () => {
        const [r] = await db
          .select()
          .from(scanRuns)
          .where(eq(scanRuns.trigger, "schedule"))
          .orderBy(scanRuns.createdAt)
          .limit(1);
        return r && ["completed", "completed_with_errors", "failed"].includes(r.status) ? r : undefined;
      },
      45_000,
      200,
    );
    // Stop scheduling more scans before asserting.
    await db
      .update(settings)
      .set({ value: { enabled: false, cron: "* * * * * *", timezone: "UTC", mode: "delta" } })
      .where(eq(settings.key, "scan.schedule"));

    expect(run).toMatchObject({ mode: "full", trigger: "schedule", requestedBy: "system:scheduled-scan" });
    expect(run.status, run.error ?? "").not.toBe("failed");
    expect(run.vaultsTotal).toBeGreaterThan(0);
    const stored = await db.select().from(vaults);
    expect(stored.length).toBe(run.vaultsTotal);

    const scanJob = await jobRow("scheduled-scan");
    expect(scanJob.lastStatus).toBe("succeeded");
    const worker = scheduler.status().jobs.find((j) => j.name === "scan-worker")!;
    expect(worker.lastError).toBeNull();
    await scheduler.stop();
    scheduler = undefined;
  }, 60_000);

  it("the web process restarting (in-process scheduler stopped, a new one started) resumes the same scan run", async () => {
    const db = await getDb();
    const admin = { actor: { type: "system" as const, job: "test" }, request: { requestId: "t" } };
    cloud.control.setLatency({ fixedMs: 100, jitterMs: 0 }); // a scan long enough to interrupt
    await updateSetting({
      ctx: admin,
      input: { key: "discovery.concurrency", value: { global: 2, perVault: 1, adaptive: false } },
    });
    try {
      // The previous test's every-second schedule may have queued one more scan before it was disabled.
      await db
        .update(scanRuns)
        .set({ status: "cancelled" })
        .where(inArray(scanRuns.status, ["queued", "running"]));
      const { scanId } = await requestScan({ ctx: systemCtx("test"), input: { mode: "full" } });
      const row = async () => (await db.select().from(scanRuns).where(eq(scanRuns.id, scanId)))[0];
      const done = async () =>
        (await db.select().from(scanVaults).where(eq(scanVaults.scanId, scanId))).filter((v) => v.doneAt).length;
      const first = startScheduler({ jobs: [scanWorkerJob], tickMs: 100, instanceId: "web-1", graceMs: 10_000 });
      scheduler = first;
      await waitFor(async () => (await done()) >= 1, 30_000, 50);
      const t0 = Date.now();
      await first.stop(); // what instrumentation.ts does on SIGTERM
      scheduler = undefined;
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect(first.status().jobs[0]).toMatchObject({ name: "scan-worker", runningHere: false, lastStatus: "aborted" });
      // handed over, not ended: still running, its lease let go at once
      const stopped = await row();
      expect(stopped.status).toBe("running");
      expect(stopped.leaseExpiresAt!.getTime()).toBeLessThanOrEqual(Date.now());
      expect(stopped.vaultsDone).toBeLessThan(stopped.vaultsTotal);

      cloud.control.setLatency({ fixedMs: 0, jitterMs: 0 });
      const t1 = Date.now();
      scheduler = startScheduler({ jobs: [scanWorkerJob], tickMs: 100, instanceId: "web-2" });
      await waitFor(async () => (await row()).attempt === 2, 5_000, 25);
      expect(Date.now() - t1).toBeLessThan(3_000); // no lease to wait for
      const run = await waitFor(async () => {
        const r = await row();
        return r.status !== "running" ? r : undefined;
      }, 30_000);
      expect(["completed", "completed_with_errors"]).toContain(run.status);
      expect(run).toMatchObject({ attempt: 2, vaultsDone: run.vaultsTotal, vaultsTotal: stopped.vaultsTotal });
      const audits = await db.select().from(auditLog).where(eq(auditLog.targetId, scanId));
      expect(audits.filter((a) => a.action === "discovery.scan.resumed")).toHaveLength(1);
      await scheduler.stop();
      scheduler = undefined;
    } finally {
      cloud.control.setLatency({ fixedMs: 0, jitterMs: 0 });
      await updateSetting({ ctx: admin, input: { key: "discovery.concurrency", value: { global: 32, perVault: 4 } } });
    }
  }, 60_000);
});

// The in-process mode's scan thread (ADR 0006): the scan-worker job claims here and the scan runs in a worker thread
// started from the bundled scan-worker.js (built here by infra/build/scheduler-bundle.mjs, as `npm run build` does).
// The thread keeps the lease, the audit and cancellation working across the thread boundary, hands the scan over on
// stop, and a thread that runs out of memory leaves this process alive and the scan to be resumed once its lease lapses.
// PostgreSQL only: PGlite lives in one thread's memory, so on PGlite the in-process mode scans on the main thread.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { forgetVaultChallenges, learnedVaultChallenges } from "@/lib/cloud";
import { resetConfigForTests } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { auditLog, scanRuns } from "@/lib/db/schema";
import { cancelScan, requestScan } from "@/lib/discovery";
import { makeScanWorkerJob, type ScanWorkerOptions } from "@/lib/scheduler/jobs";
import { startScheduler, type SchedulerHandle } from "@/lib/scheduler/scheduler";
import { updateSetting } from "@/lib/settings/store";
import { startCloud, type LocalCloud } from "../../cloud";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { userCtx } from "../discovery/helpers";
import { waitFor } from "./helpers";

const ROOT = path.resolve(__dirname, "../../..");
const LEASE_MS = 2_000;
const HEARTBEAT_MS = 250;

let t: TestDb;
let cloud: LocalCloud;
let outDir: string;
let scheduler: SchedulerHandle | undefined;
const admin = userCtx("CertifyClouds.Admin");

beforeAll(async () => {
  // the scan thread opens its own pool: it needs a database server (see the header)
  process.env.DATABASE_URL ??= "postgres://postgres@127.0.0.1:5432/test";
  t = await setupTestDb();
  outDir = mkdtempSync(path.join(tmpdir(), "cc-scan-thread-"));
  execFileSync(process.execPath, [path.join(ROOT, "infra/build/scheduler-bundle.mjs"), outDir], { cwd: ROOT });
  // 30 ms per request, two vaults at a time: a scan of a few seconds, so a stop or a cancel lands inside it
  cloud = await startCloud({
    estate: { base: "tiny", vaults: 10 },
    throttling: false,
    latency: { fixedMs: 30, jitterMs: 0 },
  });
  Object.assign(process.env, cloud.env);
  resetConfigForTests();
  await updateSetting({
    ctx: admin,
    input: { key: "discovery.concurrency", value: { global: 2, perVault: 1, adaptive: false } },
  });
}, 120_000);

// a failed test must not leave a scan queued or running for the next one
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
  await (
    await getDb()
  )
    .update(scanRuns)
    .set({ status: "cancelled" })
    .where(inArray(scanRuns.status, ["queued", "running"]));
});

afterAll(async () => {
  await cloud?.stop();
  await t?.cleanup();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

function startThreaded(opts: Omit<ScanWorkerOptions, "thread"> & { heapMb?: number } = {}) {
  const { heapMb, ...rest } = opts;
  const thread = {
    bundle: path.join(outDir, "scan-worker.js"),
    ...(heapMb ? { resourceLimits: { maxOldGenerationSizeMb: heapMb } } : {}),
  };
  const job = makeScanWorkerJob({ thread, leaseMs: LEASE_MS, heartbeatMs: HEARTBEAT_MS, ...rest });
  scheduler = startScheduler({ jobs: [job], tickMs: 200, instanceId: "thread-test", graceMs: 10_000 });
  return scheduler;
}

const scanRow = async (id: string) => (await (await getDb()).select().from(scanRuns).where(eq(scanRuns.id, id)))[0];
const untilStatus = (id: string, statuses: string[], ms = 60_000) =>
  waitFor(
    async () => {
      const r = await scanRow(id);
      return statuses.includes(r.status) ? r : undefined;
    },
    ms,
    100,
  );
const auditActions = async (id: string) =>
  (
    await (
      await getDb()
    )
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetType, "scan"), eq(auditLog.targetId, id)))
  ).map((r) => `${r.action} ${r.actorType}:${r.actorId}`);

describe("scan-worker with a scan thread", () => {
  it("runs the claimed scan in the thread under the claim's lease, audited as the scan-worker job", async () => {
    const { scanId } = await requestScan({ ctx: admin, input: { mode: "full" } });
    startThreaded();
    const running = await untilStatus(scanId, ["running"], 20_000);
    expect(running.leaseOwner).toMatch(/:scan-thread:/);
    const done = await untilStatus(scanId, ["completed", "completed_with_errors"]);
    expect(done.vaultsDone).toBe(10);
    expect(done.objectsSeen).toBeGreaterThan(0);
    expect(await auditActions(scanId)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^discovery\.scan\.started system:.*scan-worker/),
        expect.stringMatching(/^discovery\.scan\.(completed|finished)\S* system:.*scan-worker/),
      ]),
    );
  });

  it("the thread hands its vault challenges back: the next scan's thread sends each vault a token at once", async () => {
    forgetVaultChallenges();
    const challenges = () => cloud.control.counters().byOp["kv.challenge"] ?? 0;
    const scan = async () => {
      const { scanId } = await requestScan({ ctx: admin, input: { mode: "delta" } });
      const running = startThreaded();
      await untilStatus(scanId, ["completed", "completed_with_errors"]);
      await running.stop();
      scheduler = undefined;
    };
    cloud.control.resetCounters();
    await scan();
    // one unauthenticated round trip per reachable vault, learned in the thread
    const first = challenges();
    expect(first).toBeGreaterThan(0);
    expect(learnedVaultChallenges()).toHaveLength(first);
    cloud.control.resetCounters();
    await scan();
    expect(challenges()).toBe(0);
    expect(cloud.control.count("kv.*")).toBeGreaterThan(0);
  });

  it("a cancel requested from this thread stops the scan in the other one", async () => {
    const { scanId } = await requestScan({ ctx: admin, input: { mode: "full" } });
    startThreaded();
    await waitFor(async () => ((await scanRow(scanId)).vaultsDone ?? 0) > 0, 30_000, 50);
    await cancelScan({ ctx: admin, input: { scanId } });
    const end = await untilStatus(scanId, ["cancelled", "completed", "completed_with_errors", "failed"]);
    expect(end.status).toBe("cancelled");
    expect(end.vaultsDone).toBeLessThan(10);
  });

  it("stopping the scheduler hands the scan over at once: still running, lease released, resumed by the next claim", async () => {
    const { scanId } = await requestScan({ ctx: admin, input: { mode: "full" } });
    const first = startThreaded();
    await waitFor(async () => ((await scanRow(scanId)).vaultsDone ?? 0) > 0, 30_000, 50);
    await first.stop();
    const handedOver = await scanRow(scanId);
    expect(handedOver.status).toBe("running");
    expect(handedOver.vaultsDone).toBeLessThan(10);
    expect(handedOver.leaseExpiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    startThreaded();
    const done = await untilStatus(scanId, ["completed", "completed_with_errors"]);
    expect(done.vaultsDone).toBe(10);
    expect(await auditActions(scanId)).toContainEqual(expect.stringMatching(/^discovery\.scan\.resumed /));
  });

  it("a thread that runs out of memory leaves this process running and the scan resumable after its lease", async () => {
    const { scanId } = await requestScan({ ctx: admin, input: { mode: "full" } });
    // a heap far too small for the SDKs: the thread dies with ERR_WORKER_OUT_OF_MEMORY
    const starved = startThreaded({ heapMb: 8 });
    const failed = await waitFor(
      () => starved.status().jobs.find((j) => j.name === "scan-worker" && j.lastStatus === "failed"),
      60_000,
      100,
    );
    expect(failed.lastError).toMatch(/ERR_WORKER_OUT_OF_MEMORY/);
    await starved.stop();
    // nobody let go of the scan: it waits for its lease to lapse
    const orphaned = await scanRow(scanId);
    expect(orphaned.status).toBe("running");
    expect(orphaned.leaseOwner).toMatch(/:scan-thread:/);
    startThreaded();
    const done = await untilStatus(scanId, ["completed", "completed_with_errors"]);
    expect(done.vaultsDone).toBe(10);
    expect(done.attempt).toBeGreaterThanOrEqual(2);
    expect(await auditActions(scanId)).toContainEqual(expect.stringMatching(/^discovery\.scan\.resumed /));
  });
});

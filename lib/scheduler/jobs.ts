/**
 * The product's scheduled jobs. Each run is a service call as the system actor (ctx = systemCtx(job name)).
 * Services are imported lazily so loading the scheduler (e.g. inside the web process) stays cheap.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { systemCtx, type Ctx } from "../context";
import { AppError } from "../errors";
import { logger } from "../log";
import { evaluateAfterScan } from "./after-scan";
import { errorText } from "./run";
import type { ScanThreadOptions } from "./scan-in-thread";
import type { JobDefinition } from "./types";

const log = logger("scheduler.jobs");

export const SCAN_WORKER_INTERVAL_MS = 2_000;
export const SESSION_CLEANUP_INTERVAL_MS = 60 * 60 * 1000;
export const COMPLIANCE_REFRESH_INTERVAL_MS = 10 * 60 * 1000;

async function scanSchedule(ctx: Ctx) {
  const { readSetting } = await import("../settings/store");
  return readSetting(ctx, "scan.schedule");
}

/** Queues a scan on the `scan.schedule` setting's cron (re-read every tick; disabled → nothing is scheduled). */
export const scheduledScanJob: JobDefinition = {
  name: "scheduled-scan",
  runOnFirstStart: true,
  schedule: async () => {
    const s = await scanSchedule(systemCtx("scheduled-scan"));
    return { cron: s.cron, timezone: s.timezone, enabled: s.enabled };
  },
  run: async (ctx, signal) => {
    const { mode, enabled } = await scanSchedule(ctx);
    if (!enabled || signal.aborted) return;
    const { requestScan } = await import("../discovery");
    try {
      const { scanId } = await requestScan({ ctx, input: { mode } });
      log.info({ scanId, mode }, "scheduled scan queued");
    } catch (e) {
      // A scan is already queued or running: the schedule is satisfied.
      if (e instanceof AppError && e.code === "conflict") {
        log.info({ mode }, "scheduled scan skipped: a scan is already queued or running");
        return;
      }
      throw e;
    }
  },
};

/** Scan work in a worker thread (in-process mode, ADR 0006): where the thread's code is, and its limits. */
export interface ScanWorkerOptions {
  thread?: ScanThreadOptions;
  /** Scan lease and heartbeat for the thread's scans (default: the configuration's); tests shorten them. */
  leaseMs?: number;
  heartbeatMs?: number;
}

/**
 * Runs on every replica (scope "replica"), one scan at a time per replica: claims the next scan — a queued one, or a
 * running one whose worker stopped (its lease expired), which then continues where it stopped — and runs it. The claim
 * is atomic in discovery, so replicas never take the same scan. Stopping the scheduler aborts the run: the scan lets
 * go of its lease and the next claim, here after a restart or on another replica, resumes it.
 *
 * With `thread`, the claim is made here under a name of this job's own and the scan runs in a worker thread that
 * holds the lease under that name; a thread that dies leaves the lease to lapse, and a later claim resumes the scan.
 */
export function makeScanWorkerJob(opts: ScanWorkerOptions = {}): JobDefinition {
  const worker = `${hostname()}:${process.pid}:scan-thread:${randomBytes(3).toString("hex")}`;
  return {
    name: "scan-worker",
    scope: "replica",
    schedule: { everyMs: SCAN_WORKER_INTERVAL_MS },
    run: async (ctx, signal) => {
      const { claimNextQueuedScan, executeScan } = await import("../discovery");
      if (signal.aborted) return;
      if (!opts.thread) {
        const scanId = await claimNextQueuedScan(ctx);
        if (!scanId) return;
        log.info({ scanId }, "scan claimed");
        const run = await executeScan({ ctx, input: { scanId }, signal });
        await evaluateAfterScan(ctx, run);
        return;
      }
      const scanId = await claimNextQueuedScan(ctx, { worker, leaseMs: opts.leaseMs });
      if (!scanId) return;
      log.info({ scanId, worker }, "scan claimed; running it in a scan thread");
      const { runScanInThread } = await import("./scan-in-thread");
      const ctxData = { actor: ctx.actor, request: ctx.request };
      const data = { scanId, worker, ctx: ctxData, leaseMs: opts.leaseMs, heartbeatMs: opts.heartbeatMs };
      try {
        await runScanInThread(data, signal, opts.thread);
      } catch (e) {
        log.error({ scanId, err: errorText(e) }, "scan thread failed; the scan resumes once its lease lapses");
        throw e;
      }
    },
  };
}

export const scanWorkerJob: JobDefinition = makeScanWorkerJob();

/**
 * Compliance between scans: time-driven transitions ("now within 30 days"), waivers that expired, and a full
 * evaluation after the rules' settings changed. Incremental, so cheap; it writes a trend point only when something
 * moved.
 */
export const complianceRefreshJob: JobDefinition = {
  name: "compliance-refresh",
  schedule: { everyMs: COMPLIANCE_REFRESH_INTERVAL_MS },
  run: async (ctx) => {
    const { evaluateCompliance } = await import("../compliance/evaluate-estate");
    const r = await evaluateCompliance({ ctx, input: { trigger: "refresh" } });
    if (r.findingsChanged) log.info(r, "compliance refreshed");
  },
};

/** Hourly: deletes expired and idle sessions. */
export const sessionCleanupJob: JobDefinition = {
  name: "session-cleanup",
  schedule: { everyMs: SESSION_CLEANUP_INTERVAL_MS },
  run: async (ctx) => {
    const { purgeDeadSessions } = await import("../auth/session-store");
    await purgeDeadSessions(ctx);
  },
};

/**
 * Monthly, 03:00 UTC on the 1st: the evidence package of the previous calendar month, kept with the reports'
 * retention (setting reports.monthly turns it off), announced to the rules subscribed to `report.ready` (a link to
 * the Reports page; the file stays in the database).
 */
export const monthlyEvidenceJob: JobDefinition = {
  name: "monthly-evidence",
  schedule: async () => {
    const { readSetting } = await import("../settings/store");
    const { enabled } = await readSetting(systemCtx("monthly-evidence"), "reports.monthly");
    return { cron: "0 3 1 * *", timezone: "UTC", enabled };
  },
  run: async (ctx, signal) => {
    if (signal.aborted) return;
    const { generateEvidencePackage } = await import("../reports/generate");
    const { from, to } = previousMonth(new Date());
    const report = await generateEvidencePackage({ ctx, input: { from, to }, announce: true });
    log.info({ reportId: report.id, sha256: report.sha256 }, "monthly evidence package generated");
  },
};

/** [first instant, last millisecond] of the calendar month before `now`, UTC. */
export function previousMonth(now: Date): { from: string; to: string } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) - 1);
  return { from: start.toISOString(), to: end.toISOString() };
}

export const AUDIT_ANCHOR_INTERVAL_MS = 15 * 60 * 1000;

/** ADR 0007: every 15 minutes, writes the audit chain head to the anchor secret (a no-op when anchoring is not configured). */
export const auditAnchorJob: JobDefinition = {
  name: "audit-anchor",
  schedule: { everyMs: AUDIT_ANCHOR_INTERVAL_MS },
  run: async (ctx) => {
    const { writeAuditAnchor } = await import("../audit/anchor");
    const r = await writeAuditAnchor({ ctx });
    if (r.status === "written")
      log.info({ seq: r.anchor.seq, location: r.anchor.location }, "audit chain head anchored");
  },
};

const ROTATION_WORKER_INTERVAL_MS = 2_000;

/**
 * Runs on every replica: advances the rotations that have work to do (new, interrupted, or past their overlap). Each
 * rotation is leased in lib/rotation, so replicas never work on the same one.
 */
const rotationWorkerJob: JobDefinition = {
  name: "rotation-worker",
  scope: "replica",
  schedule: { everyMs: ROTATION_WORKER_INTERVAL_MS },
  run: async (ctx, signal) => {
    const { runDueRotations } = await import("../rotation");
    await runDueRotations(ctx, { signal });
  },
};

export const ROTATION_AUTO_INTERVAL_MS = 15 * 60_000;

/**
 * Every 15 minutes (one replica): starts the automatic rotations that are due, inside Settings → Automatic rotation's
 * maintenance window (a no-op while it is off). The rotation worker then executes them like manual ones.
 */
export const rotationAutoJob: JobDefinition = {
  name: "rotation-auto",
  schedule: { everyMs: ROTATION_AUTO_INTERVAL_MS },
  run: async (ctx) => {
    const { runAutoRotations } = await import("../rotation");
    await runAutoRotations(ctx);
  },
};

export const ALERT_DELIVERY_INTERVAL_MS = 5_000;
export const ALERT_DIGEST_INTERVAL_MS = 30_000;

/** Sends what the outbox holds (retries with backoff; a lapsed lease is taken over). */
export const alertDeliveryJob: JobDefinition = {
  name: "alert-delivery",
  schedule: { everyMs: ALERT_DELIVERY_INTERVAL_MS },
  run: async (ctx, signal) => {
    const { deliverDue, resealStaleChannels } = await import("../alerts");
    // after a SECRET_KEY rotation: channel secrets sealed under SECRET_KEY_PREVIOUS move to the new key first
    await resealStaleChannels(ctx);
    // A batch at a time until nothing is due, so a burst after a scan leaves within one run.
    while (!signal.aborted) {
      const c = await deliverDue(ctx);
      if (c.delivered + c.retried + c.failed === 0) return;
    }
  },
};

/** Turns held rows of digest rules into one message each per channel, at the rules' cron times. */
export const alertDigestJob: JobDefinition = {
  name: "alert-digest",
  schedule: { everyMs: ALERT_DIGEST_INTERVAL_MS },
  run: async (ctx) => {
    const { runDueDigests } = await import("../alerts");
    await runDueDigests(ctx);
  },
};

export const ALERT_HISTORY_INTERVAL_MS = 6 * 3_600_000;

/** Every 6 hours: deletes finished delivery history past the `alerts.history` retention. */
export const alertHistoryJob: JobDefinition = {
  name: "alert-history-retention",
  schedule: { everyMs: ALERT_HISTORY_INTERVAL_MS },
  run: async (ctx) => {
    const { pruneDeliveryHistory } = await import("../alerts/retention");
    const r = await pruneDeliveryHistory(ctx);
    if (r.deleted) log.info(r, "alert history pruned");
  },
};

/** The product's jobs; `scanWorker` runs scans in a worker thread (the in-process mode). */
export function defaultJobs(scanWorker?: ScanWorkerOptions): JobDefinition[] {
  return [
    scheduledScanJob,
    scanWorker ? makeScanWorkerJob(scanWorker) : scanWorkerJob,
    sessionCleanupJob,
    complianceRefreshJob,
    monthlyEvidenceJob,
    auditAnchorJob,
    rotationWorkerJob,
    rotationAutoJob,
    alertDeliveryJob,
    alertDigestJob,
    alertHistoryJob,
  ];
}

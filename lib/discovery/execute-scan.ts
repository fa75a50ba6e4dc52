/**
 * executeScan: runs a scan that this worker holds (claimNextQueuedScan claimed it, or took it over from a worker that
 * stopped), as the caller's actor (the scan worker's system context):
 *
 *   subscriptions → vaults (scan-targets; recorded once) → per vault, within global and per-vault call limits, read and
 *   written one transaction each, marked done in it (scan-vaults) → vaults no longer listed marked removed → Graph apps
 *   (graph-apps; recorded) → final status.
 *
 * A resumed scan skips what is recorded as done (scan-checkpoint). A vault's failure is classified and stored with a
 * remediation; it never aborts the scan. A crash or cancel leaves the previous inventory of every unfinished vault
 * intact (per-vault atomic replacement).
 */
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { AbortedError, sanitizeMessage } from "../cloud";
import { audit } from "../audit/record";
import { assertPermission } from "../auth/authorize";
import { getConfig } from "../config";
import type { Ctx } from "../context";
import { getDbHandle, type DbOrTx } from "../db/client";
import { scanRuns, type ScanRun } from "../db/schema";
import { dbOf } from "../db/transaction";
import { AppError } from "../errors";
import { logger } from "../log";
import { finishScan, type ScanEnd } from "./finish-scan";
import { scanGraphApps } from "./graph-apps";
import { classifyScanError } from "./scan-failures";
import { parseInput } from "./parse-input";
import { markVaultsRemoved } from "./persist-removals";
import { loadResumePoint, markGraphDone, saveTargets, type ResumePoint } from "./scan-checkpoint";
import { loadScanConfig } from "./scan-config";
import { LeaseLostError, leaseSettings, leaseUntil } from "./scan-lease";
import { ScanSession, type ExecuteScanOptions } from "./scan-session";
import { listScanTargets } from "./scan-targets";
import { scanVaults } from "./scan-vaults";

const log = logger("discovery");

export const executeScanInput = z.object({ scanId: z.uuid() }).strict();

/**
 * Runs outside any transaction of the caller: progress is visible while it runs and each vault commits on its own.
 * Resolves with the scan row: finished, or still running when this worker stopped (its signal aborted) or lost the
 * lease — another worker then continues it. Rejects when the scan is missing or this worker does not hold it.
 */
export async function executeScan({
  ctx,
  input,
  ...opts
}: { ctx: Ctx; input: unknown } & ExecuteScanOptions): Promise<ScanRun> {
  assertPermission(ctx, "scan:run");
  const { scanId } = parseInput(executeScanInput, input);
  const db = await dbOf(ctx);
  const { worker, leaseMs } = leaseSettings(opts);
  const heartbeatMs = opts.heartbeatMs ?? getConfig().scan.heartbeatMs;
  const run = await heldScan(db, scanId, worker, leaseMs);
  const session = new ScanSession(ctx, db, run, (await getDbHandle()).kind, { ...opts, worker, leaseMs, heartbeatMs });
  const resume = await loadResumePoint(session);
  session.startHeartbeat();
  if (run.attempt <= 1)
    await audit(session.ctx, {
      action: "discovery.scan.started",
      target: { type: "scan", id: scanId },
      details: { mode: run.mode, scope: run.scope, trigger: run.trigger },
    });
  log.info(
    { scanId, mode: run.mode, scope: run.scope, attempt: run.attempt, vaultsDone: session.counters.vaultsDone },
    run.attempt <= 1 ? "scan started" : "scan resumed",
  );
  const end = await runPhases(session, resume);
  if (session.leaseLost || session.workerStopping) return handOver(session);
  return finishScan(session, end);
}

/** Renews this worker's lease and returns the scan; a conflict unless this worker holds it. */
async function heldScan(db: DbOrTx, scanId: string, worker: string, leaseMs: number): Promise<ScanRun> {
  const [run] = await db
    .update(scanRuns)
    .set({ leaseExpiresAt: leaseUntil(leaseMs), heartbeatAt: new Date() })
    .where(and(eq(scanRuns.id, scanId), eq(scanRuns.status, "running"), eq(scanRuns.leaseOwner, worker)))
    .returning();
  if (run) return run;
  const [row] = await db.select().from(scanRuns).where(eq(scanRuns.id, scanId)).limit(1);
  if (!row) throw new AppError("not_found", "Scan not found.");
  if (row.status !== "running") throw new AppError("conflict", `The scan is ${row.status}, not running.`);
  throw new AppError("conflict", "Another worker holds the scan.");
}

/** This worker stops here; the scan stays running and the next claim (here or on another replica) continues it. */
async function handOver(session: ScanSession): Promise<ScanRun> {
  try {
    await session.release(); // matches nothing when another worker holds the scan already
  } catch (e) {
    log.warn({ scanId: session.scanId, err: (e as Error).message }, "could not release the scan; its lease lapses");
  }
  log.info(
    { scanId: session.scanId, vaultsDone: session.counters.vaultsDone, leaseLost: session.leaseLost },
    "scan handed over",
  );
  const [row] = await session.db.select().from(scanRuns).where(eq(scanRuns.id, session.scanId)).limit(1);
  return row;
}

async function runPhases(session: ScanSession, resume: ResumePoint): Promise<ScanEnd> {
  const scope = session.run.scope ?? {};
  const unrestricted = !scope.subscriptions?.length && !scope.vaults?.length;
  try {
    // cancelled while it waited for a worker: nothing to resume
    if (session.stopRequested()) return { complete: false };
    const config = await loadScanConfig(session);
    const targets = resume.targets ?? (await saveTargets(session, await listScanTargets(session, config)));
    await session.beat();
    let complete = await scanVaults(
      session,
      config,
      targets.vaults.filter((v) => !targets.done.has(v.id)),
    );
    if (complete && !targets.vaultsChosen) {
      const gone = await markVaultsRemoved(
        session.db,
        targets.vaults.map((v) => v.id),
        targets.completeSubscriptions,
      );
      if (gone) log.info({ scanId: session.scanId, gone }, "vaults marked removed");
    }
    if (complete && unrestricted && !resume.graphDone && !session.stopRequested()) {
      complete = await scanGraphApps(session, config);
      if (complete) await markGraphDone(session);
    }
    session.stats.concurrency = config.limits.summary();
    return { complete };
  } catch (e) {
    if (e instanceof LeaseLostError) session.loseLease(e.message);
    if (session.signal.aborted || e instanceof AbortedError) return { complete: false };
    const c = classifyScanError(e, { scanId: session.scanId, scope: "scan" });
    const fatal = sanitizeMessage(c.message).slice(0, 500);
    log.error({ scanId: session.scanId, kind: c.kind, err: fatal }, "scan failed");
    return { complete: false, fatal };
  } finally {
    await session.stop();
  }
}

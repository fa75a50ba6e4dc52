/**
 * executeScan: runs a scan that claimNextQueuedScan already claimed, as the caller's actor (the scan worker's system
 * context):
 *
 *   subscriptions → vaults (scan-targets) → per vault, within global and per-vault call limits, read and written one
 *   transaction each (scan-vaults) → vaults no longer listed marked removed → Graph apps (graph-apps) → final status.
 *
 * A vault's failure is classified and stored with a remediation; it never aborts the scan. A crash or cancel leaves the
 * previous inventory of every unfinished vault intact (per-vault atomic replacement).
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { AbortedError, sanitizeMessage } from "../cloud";
import { audit } from "../audit/record";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { getDbHandle, type DbOrTx } from "../db/client";
import { scanRuns, type ScanRun } from "../db/schema";
import { dbOf } from "../db/transaction";
import { AppError } from "../errors";
import { logger } from "../log";
import { finishScan, type ScanEnd } from "./finish-scan";
import { scanGraphApps } from "./graph-apps";
import { parseInput } from "./parse-input";
import { markVaultsRemoved } from "./persist";
import { loadScanConfig } from "./scan-config";
import { ScanSession, type ExecuteScanOptions } from "./scan-session";
import { listScanTargets } from "./scan-targets";
import { scanVaults } from "./scan-vaults";

const log = logger("discovery");

export const executeScanInput = z.object({ scanId: z.uuid() }).strict();

/**
 * Runs outside any transaction of the caller: progress is visible while it runs and each vault commits on its own.
 * Resolves with the finished run; rejects only when the scan is missing or not running (claimed).
 */
export async function executeScan({
  ctx,
  input,
  ...opts
}: { ctx: Ctx; input: unknown } & ExecuteScanOptions): Promise<ScanRun> {
  assertPermission(ctx, "scan:run");
  const { scanId } = parseInput(executeScanInput, input);
  const db = await dbOf(ctx);
  const run = await claimedScan(db, scanId);
  const session = new ScanSession(ctx, db, run, (await getDbHandle()).kind, opts);
  session.startHeartbeat();
  await audit(session.ctx, {
    action: "discovery.scan.started",
    target: { type: "scan", id: scanId },
    details: { mode: run.mode, scope: run.scope, trigger: run.trigger },
  });
  log.info({ scanId, mode: run.mode, scope: run.scope }, "scan started");
  const end = await runPhases(session);
  return finishScan(session, end);
}

async function claimedScan(db: DbOrTx, scanId: string): Promise<ScanRun> {
  const [run] = await db.select().from(scanRuns).where(eq(scanRuns.id, scanId)).limit(1);
  if (!run) throw new AppError("not_found", "Scan not found.");
  if (run.status !== "running") throw new AppError("conflict", `The scan is ${run.status}, not running.`);
  return run;
}

async function runPhases(session: ScanSession): Promise<ScanEnd> {
  const scope = session.run.scope ?? {};
  const unrestricted = !scope.subscriptions?.length && !scope.vaults?.length;
  try {
    const config = await loadScanConfig(session);
    const targets = await listScanTargets(session, config);
    session.counters.vaultsTotal = targets.vaults.length;
    await session.beat();
    let complete = await scanVaults(session, config, targets.vaults);
    if (complete && !targets.vaultsChosen) {
      const gone = await markVaultsRemoved(
        session.db,
        targets.vaults.map((v) => v.id),
        targets.completeSubscriptions,
      );
      if (gone) log.info({ scanId: session.scanId, gone }, "vaults marked removed");
    }
    if (complete && unrestricted && !session.stopRequested()) complete = await scanGraphApps(session, config);
    return { complete };
  } catch (e) {
    if (session.signal.aborted || e instanceof AbortedError) return { complete: false };
    const fatal = sanitizeMessage(e instanceof Error ? e.message : String(e)).slice(0, 500);
    log.error({ scanId: session.scanId, err: fatal }, "scan failed");
    return { complete: false, fatal };
  } finally {
    await session.stop();
  }
}

/**
 * The end of a scan run: its final status, the scan-level errors still pending, and the final counters — counted from
 * the scan's done records, so a resumed scan counts each vault and object once — audited, in one transaction.
 */
import { eq } from "drizzle-orm";
import { evaluateAlertsAfterScan } from "../alerts/after-scan";
import { audit } from "../audit/record";
import { scanRuns, type ScanRun } from "../db/schema";
import { logger } from "../log";
import { clearScanVaults, doneTotals } from "./scan-checkpoint";
import type { ScanSession } from "./scan-session";

const log = logger("discovery");

export interface ScanEnd {
  /** every phase ran to its end (not stopped) */
  complete: boolean;
  /** why the scan failed as a whole (sanitised), if it did */
  fatal?: string;
}

export function finalStatus(session: ScanSession, end: ScanEnd): { status: ScanRun["status"]; error: string | null } {
  const status: ScanRun["status"] = end.fatal
    ? "failed"
    : session.cancelRequested || !end.complete
      ? "cancelled"
      : session.counters.errorCount > 0
        ? "completed_with_errors"
        : "completed";
  const error = end.fatal ?? (status === "cancelled" ? "cancelled by request" : null);
  return { status, error };
}

export async function finishScan(session: ScanSession, end: ScanEnd): Promise<ScanRun> {
  const { scanId, counters: c, stats } = session;
  let final: ScanRun | undefined;
  await session.writeCheckpoint(session.checkpoint, async (tx) => {
    Object.assign(c, await doneTotals(tx.db, scanId));
    const { status, error } = finalStatus(session, end);
    stats.durationMs = Date.now() - session.started;
    [final] = await tx.db
      .update(scanRuns)
      .set({ ...session.progressSet(), status, error, finishedAt: new Date(), leaseExpiresAt: null })
      .where(eq(scanRuns.id, scanId))
      .returning();
    await clearScanVaults(tx.db, scanId);
    const details = {
      mode: session.run.mode,
      status,
      ...session.reportedCounts(),
      durationMs: stats.durationMs,
      attempts: session.run.attempt,
    };
    const target = { type: "scan", id: scanId };
    if (status === "failed")
      await audit(tx, { action: "discovery.scan.failed", outcome: "failure", target, details: { ...details, error } });
    else if (status === "cancelled")
      await audit(tx, { action: "discovery.scan.cancelled", target, details: { ...details, reason: error } });
    else await audit(tx, { action: "discovery.scan.completed", target, details });
    // Alerts for what this scan found are written to the outbox with the scan's end, or not at all.
    await evaluateAlertsAfterScan(tx, final!);
  });
  const row = final!;
  log.info(
    {
      scanId,
      status: row.status,
      vaults: row.vaultsDone,
      objects: row.objectsSeen,
      errors: row.errorCount,
      requests: row.requestCount,
      attempts: row.attempt,
      ms: stats.durationMs,
    },
    "scan finished",
  );
  return row;
}

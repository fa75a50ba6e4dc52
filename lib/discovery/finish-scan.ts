/** The end of a scan run: its final status, the scan-level errors and the final counters, audited, in one transaction. */
import { eq } from "drizzle-orm";
import { audit } from "../audit/record";
import { scanErrors, scanRuns, type ScanRun } from "../db/schema";
import { withTransaction } from "../db/transaction";
import { logger } from "../log";
import type { ScanSession } from "./scan-session";

const log = logger("discovery");

export interface ScanEnd {
  /** every phase ran to its end (not stopped, not aborted) */
  complete: boolean;
  /** why the scan failed as a whole (sanitised), if it did */
  fatal?: string;
}

export function finalStatus(session: ScanSession, end: ScanEnd): { status: ScanRun["status"]; error: string | null } {
  const status: ScanRun["status"] = end.fatal
    ? "failed"
    : session.signal.aborted || session.cancelRequested || !end.complete
      ? "cancelled"
      : session.counters.errorCount > 0
        ? "completed_with_errors"
        : "completed";
  const error =
    end.fatal ??
    (session.signal.aborted ? "aborted (worker stopping)" : status === "cancelled" ? "cancelled by request" : null);
  return { status, error };
}

export async function finishScan(session: ScanSession, end: ScanEnd): Promise<ScanRun> {
  const { scanId, counters: c, stats } = session;
  c.errorCount += session.errors.length;
  const { status, error } = finalStatus(session, end);
  stats.durationMs = Date.now() - session.started;
  const final = await withTransaction(session.ctx, async (tx) => {
    if (session.errors.length)
      await tx.db.insert(scanErrors).values(
        session.errors.map((e) => ({
          scanId,
          scope: e.scope,
          kind: e.kind,
          code: e.code ?? null,
          message: e.message,
          remediation: e.remediation,
        })),
      );
    const [row] = await tx.db
      .update(scanRuns)
      .set({ ...session.progressSet(), status, error, finishedAt: new Date() })
      .where(eq(scanRuns.id, scanId))
      .returning();
    const details = {
      mode: session.run.mode,
      status,
      vaultsTotal: c.vaultsTotal,
      vaultsDone: c.vaultsDone,
      vaultsFailed: c.vaultsFailed,
      objectsSeen: c.objectsSeen,
      appsSeen: c.appsSeen,
      errorCount: c.errorCount,
      requestCount: c.requestCount,
      durationMs: stats.durationMs,
    };
    const target = { type: "scan", id: scanId };
    if (status === "failed")
      await audit(tx, { action: "discovery.scan.failed", outcome: "failure", target, details: { ...details, error } });
    else if (status === "cancelled")
      await audit(tx, { action: "discovery.scan.cancelled", target, details: { ...details, reason: error } });
    else await audit(tx, { action: "discovery.scan.completed", target, details });
    return row;
  });
  log.info(
    {
      scanId,
      status,
      vaults: c.vaultsDone,
      objects: c.objectsSeen,
      errors: c.errorCount,
      requests: c.requestCount,
      ms: stats.durationMs,
    },
    "scan finished",
  );
  return final;
}

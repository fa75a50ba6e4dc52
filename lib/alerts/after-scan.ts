/**
 * The hook discovery calls as a scan finishes, inside the transaction that records the scan's end. It runs in a
 * savepoint: a fault in alerting is logged and rolled back on its own, and never keeps a scan from finishing.
 */
import type { TxCtx } from "../context";
import type { ScanRun } from "../db/schema";
import { logger } from "../log";
import { evaluateRules, type EvaluationResult } from "./evaluate";

const log = logger("alerts");

export async function evaluateAlertsAfterScan(
  tx: TxCtx,
  scan: Pick<ScanRun, "id" | "mode" | "status" | "error">,
  now = new Date(),
): Promise<EvaluationResult | undefined> {
  try {
    const result = await tx.db.transaction((sp) => evaluateRules(sp, { scan, now }));
    if (result.outboxRows) log.info({ scanId: scan.id, ...result }, "alerts written to the outbox");
    return result;
  } catch (e) {
    log.error(
      { scanId: scan.id, err: (e as Error).message?.slice(0, 300) },
      "alert evaluation failed; scan unaffected",
    );
    return undefined;
  }
}

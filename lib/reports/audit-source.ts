import { and, count, desc, gte, lte } from "drizzle-orm";
import { checkAgainstAnchor } from "../audit/anchor";
import { chainHead } from "../audit/export";
import type { AnchorRef } from "../audit/export-format";
import { verifyAuditChain } from "../audit/verify";
import type { DbOrTx } from "../db/client";
import { auditLog } from "../db/schema";
import type { EvidenceData } from "./evidence-data";

/** The period's audit figures, the chain head, the newest anchor and a full verification of the live chain. */
export async function auditSection(
  db: DbOrTx,
  period: { from: Date; to: Date },
  anchor: AnchorRef | null,
): Promise<NonNullable<EvidenceData["audit"]>> {
  const inPeriod = and(gte(auditLog.at, period.from), lte(auditLog.at, period.to));
  const [[{ n }], byAction, byOutcome, head, verified, anchored] = await Promise.all([
    db.select({ n: count() }).from(auditLog).where(inPeriod),
    db
      .select({ action: auditLog.action, count: count() })
      .from(auditLog)
      .where(inPeriod)
      .groupBy(auditLog.action)
      .orderBy(desc(count()), auditLog.action)
      .limit(25),
    db
      .select({ outcome: auditLog.outcome, count: count() })
      .from(auditLog)
      .where(inPeriod)
      .groupBy(auditLog.outcome)
      .orderBy(auditLog.outcome),
    chainHead(db),
    verifyAuditChain(db),
    checkAgainstAnchor(db, anchor),
  ]);
  const detail = !verified.ok
    ? `broken at row ${verified.firstBad!.seq}: ${verified.firstBad!.reason}`
    : !anchored.ok
      ? anchored.reason
      : `${verified.rowsChecked} rows verified: every link, hash and MAC holds${anchor ? `; the anchored row ${anchor.seq} is present with its hash` : "; no anchor configured"}`;
  return {
    rowsInPeriod: Number(n),
    byAction: byAction.map((r) => ({ action: r.action, count: Number(r.count) })),
    byOutcome: byOutcome.map((r) => ({ outcome: r.outcome, count: Number(r.count) })),
    head,
    anchor,
    verification: { ok: verified.ok && anchored.ok, rowsChecked: verified.rowsChecked, detail },
  };
}

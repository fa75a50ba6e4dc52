import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { csvLine } from "../csv";
import { dbOf } from "../db/transaction";
import { auditPeriodInput, auditRowsInPeriod } from "./export";

export const AUDIT_CSV_HEADER = [
  "seq",
  "at",
  "actor_type",
  "actor_id",
  "actor_name",
  "action",
  "outcome",
  "target_type",
  "target_id",
  "details",
  "ip",
  "request_id",
  "hash",
];

/** The audit log of a period as CSV, for people with a spreadsheet; the JSONL export is the one to verify. */
export async function* exportAuditCsv({ ctx, input }: { ctx: Ctx; input: unknown }): AsyncGenerator<string> {
  assertPermission(ctx, "audit:read");
  const period = auditPeriodInput.parse(input ?? {});
  const db = await dbOf(ctx);
  yield csvLine(AUDIT_CSV_HEADER);
  for await (const rows of auditRowsInPeriod(db, period))
    yield rows
      .map((r) =>
        csvLine([
          r.seq,
          r.at,
          r.actorType,
          r.actorId,
          r.actorName,
          r.action,
          r.outcome,
          r.targetType,
          r.targetId,
          r.details,
          r.ip,
          r.requestId,
          r.hash,
        ]),
      )
      .join("");
}

import { z } from "zod";
import { ruleById, type LocatedFinding } from "../compliance";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { csvLine } from "../csv";
import { dbOf } from "../db/transaction";
import { guid } from "../validation";
import { and, inArray, isNull, or } from "drizzle-orm";
import { FINDINGS_EXPORT_HEADER, findingCsvLine } from "../compliance/export-findings";
import { findingsByKey } from "../compliance/read-findings";
import type { DbOrTx } from "../db/client";
import { complianceFindings } from "../db/schema";
import { findingBatches } from "./compliance-source";

export const findingsCsvInput = z.object({ subscriptions: z.array(guid()).max(1000).optional() }).strip();

export const FINDINGS_CSV_HEADER = [
  "status",
  "severity",
  "rule_id",
  "rule",
  "scope",
  "object",
  "vault",
  "subscription_id",
  "reason",
  "object_id",
];

/**
 * Every finding (pass, fail, unknown, not applicable) of the estate as CSV, evaluated now from the inventory with the
 * default rule parameters (the compliance source of docs/evidence.md), streamed batch by batch.
 */
export async function* exportFindingsCsv({
  ctx,
  input,
  now = new Date(),
}: {
  ctx: Ctx;
  input: unknown;
  now?: Date;
}): AsyncGenerator<string> {
  assertPermission(ctx, "dashboard:read");
  const { subscriptions = [] } = findingsCsvInput.parse(input ?? {});
  const db = await dbOf(ctx);
  yield csvLine(FINDINGS_CSV_HEADER);
  for await (const batch of findingBatches(
    db,
    subscriptions.map((s) => s.toLowerCase()),
    now,
  )) {
    if (batch.length) yield findingsCsvChunk(batch);
  }
}

/** A batch of evaluated findings as CSV lines (FINDINGS_CSV_HEADER's columns). */
export function findingsCsvChunk(batch: readonly LocatedFinding[]): string {
  return batch
    .map((f) => {
      const rule = ruleById(f.ruleId);
      return csvLine([
        f.status,
        rule?.severity,
        f.ruleId,
        rule?.title,
        f.scope,
        f.objectName,
        f.vaultName,
        f.subscriptionId,
        f.reason,
        f.objectId,
      ]);
    })
    .join("");
}

/**
 * The package's findings when an evaluation exists: every open finding (failing, waived, unknown) in scope as the
 * latest evaluation recorded it, in the console's findings export format — the rows behind the PDF's failing count
 * (status "fail", waived "no"). Keyset pages, so a large estate streams.
 */
export async function* exportOpenFindingsCsv(db: DbOrTx, subscriptions: string[]): AsyncGenerator<string> {
  yield csvLine(FINDINGS_EXPORT_HEADER);
  const f = complianceFindings;
  const open = and(
    inArray(f.status, ["fail", "unknown"]),
    isNull(f.resolvedAt),
    subscriptions.length ? or(isNull(f.subscriptionId), inArray(f.subscriptionId, subscriptions)) : undefined,
  );
  for await (const rows of findingsByKey(db, open)) yield rows.map(findingCsvLine).join("");
}

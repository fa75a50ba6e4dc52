/** The findings list as CSV (the list's filters), streamed in batches; reasons are plain words, never values. */
import type { Ctx } from "../context";
import { csvLine } from "../csv";
import type { ComplianceFinding } from "../db/schema";
import { ruleById } from "./catalogue";
import { findingsForExport } from "./read-findings";

export const FINDINGS_EXPORT_HEADER = [
  "severity",
  "rule_id",
  "rule",
  "status",
  "waived",
  "object",
  "scope",
  "vault",
  "subscription_id",
  "reason",
  "first_seen",
  "last_seen",
  "resolved_at",
  "object_id",
];

export function findingCsvLine(f: ComplianceFinding): string {
  return csvLine([
    f.severity,
    f.ruleId,
    ruleById(f.ruleId)?.title ?? "",
    f.status,
    f.waiverId ? "yes" : "no",
    f.objectName,
    f.scope,
    f.vaultName ?? "",
    f.subscriptionId ?? "",
    f.reason,
    f.firstSeenAt.toISOString(),
    f.lastSeenAt.toISOString(),
    f.resolvedAt?.toISOString() ?? "",
    f.objectId,
  ]);
}

export async function* exportFindingsCsv({ ctx, input }: { ctx: Ctx; input?: unknown }): AsyncGenerator<string> {
  const rows = findingsForExport({ ctx, input });
  const first = await rows.next();
  yield csvLine(FINDINGS_EXPORT_HEADER);
  if (first.done) return;
  let batch = first.value;
  for (;;) {
    yield batch.map(findingCsvLine).join("");
    const next = await rows.next();
    if (next.done) return;
    batch = next.value;
  }
}

import { z } from "zod";
import { ruleById } from "../compliance";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { csvLine } from "../csv";
import { dbOf } from "../db/transaction";
import { guid } from "../validation";
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
    if (batch.length === 0) continue;
    yield batch
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
}

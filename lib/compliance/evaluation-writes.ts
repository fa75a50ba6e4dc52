/**
 * The evaluation's writes, batched with each batch as one JSON parameter (json_populate_recordset, as the inventory
 * writes do): changed object digests, removed objects, and finding rows opened, updated or resolved.
 */
import { inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { complianceObjects } from "../db/schema";
import { ruleById } from "./catalogue";
import type { FindingChange, ObjectWrite } from "./evaluation-state";

const BATCH = 2500;

function* batches<T>(xs: readonly T[]): Generator<T[]> {
  for (let i = 0; i < xs.length; i += BATCH) yield xs.slice(i, i + BATCH);
}

export async function writeObjects(db: DbOrTx, rows: readonly ObjectWrite[], now: Date): Promise<void> {
  for (const b of batches(rows)) {
    const payload = JSON.stringify(
      b.map((o) => ({
        object_id: o.objectId,
        scope: o.scope,
        object_name: o.objectName,
        vault_id: o.vaultId,
        vault_name: o.vaultName,
        subscription_id: o.subscriptionId,
        digest: o.digest,
        next_change_at: o.nextChangeAt,
        evaluated_at: now,
      })),
    );
    await db.execute(sql`insert into compliance_objects
      select * from json_populate_recordset(null::compliance_objects, ${payload}::json)
      on conflict (object_id) do update set scope = excluded.scope, object_name = excluded.object_name,
        vault_id = excluded.vault_id, vault_name = excluded.vault_name, subscription_id = excluded.subscription_id,
        digest = excluded.digest, next_change_at = excluded.next_change_at, evaluated_at = excluded.evaluated_at`);
  }
}

export async function deleteObjects(db: DbOrTx, ids: readonly string[]): Promise<void> {
  for (const b of batches(ids)) await db.delete(complianceObjects).where(inArray(complianceObjects.objectId, b));
}

const OPEN = new Set(["F", "W", "U"]);
const CLOSED_STATUS = { P: "pass", N: "notApplicable", "-": "removed" } as Record<string, string>;

/**
 * Opens or updates the failing and unknown findings (a failure keeps its first-seen instant while it stays open) and
 * resolves the ones that pass now, no longer apply, or whose object is gone; `previous` is the last evaluation's
 * instant — the last that saw them failing.
 */
export async function writeFindings(
  db: DbOrTx,
  changes: readonly FindingChange[],
  now: Date,
  previous: Date,
): Promise<void> {
  const row = (c: FindingChange, status: string) => ({
    rule_id: c.ruleId,
    object_id: c.at.objectId,
    scope: c.at.scope,
    severity: ruleById(c.ruleId)?.severity ?? "low",
    object_name: c.at.objectName,
    vault_id: c.at.vaultId,
    vault_name: c.at.vaultName,
    subscription_id: c.at.subscriptionId,
    status,
    reason: c.reason.slice(0, 1000),
    waiver_id: c.waiverId,
    first_seen_at: now,
    last_seen_at: status === "fail" || status === "unknown" ? now : previous,
    resolved_at: status === "fail" || status === "unknown" ? null : now,
    updated_at: now,
  });
  const open = changes.filter((c) => OPEN.has(c.to)).map((c) => row(c, c.to === "U" ? "unknown" : "fail"));
  const closed = changes.filter((c) => !OPEN.has(c.to)).map((c) => row(c, CLOSED_STATUS[c.to]));
  for (const b of batches(open)) {
    const payload = JSON.stringify(b);
    await db.execute(sql`insert into compliance_findings
      select * from json_populate_recordset(null::compliance_findings, ${payload}::json)
      on conflict (rule_id, object_id) do update set
        first_seen_at = case when compliance_findings.resolved_at is null
          and compliance_findings.status = excluded.status then compliance_findings.first_seen_at
          else excluded.first_seen_at end,
        status = excluded.status, reason = excluded.reason, waiver_id = excluded.waiver_id,
        object_name = excluded.object_name, vault_id = excluded.vault_id, vault_name = excluded.vault_name,
        subscription_id = excluded.subscription_id, last_seen_at = excluded.last_seen_at, resolved_at = null,
        updated_at = excluded.updated_at`);
  }
  for (const b of batches(closed)) {
    const payload = JSON.stringify(b);
    await db.execute(sql`update compliance_findings f set status = x.status, reason = x.reason, waiver_id = null,
        resolved_at = x.resolved_at, last_seen_at = x.last_seen_at, updated_at = x.updated_at
      from json_populate_recordset(null::compliance_findings, ${payload}::json) x
      where f.rule_id = x.rule_id and f.object_id = x.object_id and f.resolved_at is null`);
  }
}

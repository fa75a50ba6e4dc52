/** The stored evaluation of objects (compliance_objects), read a page at a time by the evaluation. */
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { complianceObjects } from "../db/schema";
import type { StoredObject } from "./evaluation-state";

/**
 * Adds the stored evaluation of these ids to `into`. Raw rows and one JSON parameter: this runs for every page of a
 * full evaluation, where a 5,000-parameter list and the query builder's row mapping cost more than the query (profiled).
 */
export async function loadStored(db: DbOrTx, into: Map<string, StoredObject>, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const { rows } = (await db.execute(sql`select object_id, scope, object_name, vault_id, vault_name, subscription_id,
      digest, next_change_at from ${complianceObjects}
      where object_id in (select json_array_elements_text(${JSON.stringify(ids)}::json))`)) as unknown as {
    rows: {
      object_id: string;
      scope: string;
      object_name: string;
      vault_id: string | null;
      vault_name: string | null;
      subscription_id: string | null;
      digest: string;
      next_change_at: Date | string | null;
    }[];
  };
  for (const r of rows)
    into.set(r.object_id, {
      objectId: r.object_id,
      scope: r.scope,
      objectName: r.object_name,
      vaultId: r.vault_id,
      vaultName: r.vault_name,
      subscriptionId: r.subscription_id,
      digest: r.digest,
      nextChangeAt: r.next_change_at === null ? null : new Date(r.next_change_at).getTime(),
    });
}

/** How many objects have a stored evaluation. */
export async function storedCount(db: DbOrTx): Promise<number> {
  const { rows } = (await db.execute(sql`select count(*)::int as n from ${complianceObjects}`)) as unknown as {
    rows: { n: number }[];
  };
  return rows[0].n;
}

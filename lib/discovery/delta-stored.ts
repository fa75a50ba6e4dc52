/**
 * What a scan reads of a vault's stored rows: all of them for a full or forced scan (`storedRows`), and for a delta
 * only what it needs (`deltaStored`). In a delta most objects are stored exactly as listed. The database says
 * which ones in a single statement: each listed object's facts are sent as one JSON parameter and compared with its
 * stored row there. Only the other objects' rows come back in full. Decoding every stored row and its detail to
 * compare them in the scanner cost more of the scanner's CPU than listing the vault (docs/benchmarks.md).
 *
 * "Same" is decided exactly as sameAsStored decides it for a delta (asset-rows.ts): an object whose detail
 * fingerprint matches keeps its stored detail, version count and, when the list names none, current version. So the
 * listed facts are the whole comparison. An object that is not "same" is compared again in the scanner, so a
 * mismatch here can only cost time, never a missed write.
 */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { CloudVault, KvItem } from "../cloud";
import type { DbOrTx } from "../db/client";
import { executeRows } from "../db/execute-rows";
import { assets } from "../db/schema";
import type { ExpiryStatus } from "../expiry-status";
import { fingerprint, type StoredAsset } from "./asset-rows";

export interface DeltaStored {
  /** "type/name" of objects stored as listed → detail labels denied by permission when last read */
  same: Map<string, string[]>;
  /** the stored rows of the other listed objects (changed ones; new objects have none) */
  stored: Map<string, StoredAsset>;
}

/** A vault's live stored objects keyed "type/name"; only those named in `keys` when given. */
export async function storedRows(db: DbOrTx, vaultId: string, keys?: string[]): Promise<Map<string, StoredAsset>> {
  const rows = await db
    .select()
    .from(assets)
    .where(
      and(
        eq(assets.vaultId, vaultId),
        isNull(assets.removedAt),
        keys ? inArray(sql`${assets.type} || '/' || ${assets.name}`, keys) : undefined,
      ),
    );
  return new Map(rows.map((r) => [`${r.type}/${r.name}`, r]));
}

const iso = (d: Date | undefined) => (d ? d.toISOString() : null);

export async function deltaStored(
  db: DbOrTx,
  vault: Pick<CloudVault, "id" | "subscriptionId">,
  items: readonly KvItem[],
  statusOf: (item: KvItem) => ExpiryStatus,
): Promise<DeltaStored> {
  const same = new Map<string, string[]>();
  if (!items.length) return { same, stored: new Map() };
  const listed = JSON.stringify(
    items.map((i) => ({
      type: i.type,
      name: i.name,
      object_id: i.objectId,
      version: i.version ?? null,
      enabled: i.enabled,
      not_before: iso(i.notBefore),
      expires_on: iso(i.expiresOn),
      created_on: iso(i.createdOn),
      updated_on: iso(i.updatedOn),
      content_type: i.contentType ?? null,
      managed: i.managed,
      recovery_level: i.recoveryLevel ?? null,
      tags: i.tags,
      status: statusOf(i),
      fp: fingerprint(i),
    })),
  );
  const rows = await executeRows<{ type: string; name: string; same: boolean; denied: string[] | null }>(
    db,
    sql`with l as (
      select * from json_to_recordset(${listed}::json) as l(
        type text, name text, object_id text, version text, enabled boolean, not_before timestamptz,
        expires_on timestamptz, created_on timestamptz, updated_on timestamptz, content_type text, managed boolean,
        recovery_level text, tags jsonb, status text, fp text))
    select a.type, a.name, s.same, case when s.same then a.detail -> 'deniedDetail' end as denied
    from assets a
    join l on l.type = a.type and l.name = a.name
    cross join lateral (select
        a.subscription_id = ${vault.subscriptionId}
        and a.object_id = l.object_id
        and coalesce(l.version, a.current_version) is not distinct from a.current_version
        and a.enabled = l.enabled
        and a.not_before is not distinct from l.not_before
        and a.expires_on is not distinct from l.expires_on
        and a.created_on is not distinct from l.created_on
        and a.updated_on is not distinct from l.updated_on
        and a.content_type is not distinct from l.content_type
        and a.managed = l.managed
        and a.recovery_level is not distinct from l.recovery_level
        and a.status = l.status
        and a.detail_fingerprint is not distinct from l.fp
        and a.tags = l.tags as same) s
    where a.vault_id = ${vault.id} and a.removed_at is null`,
  );
  const changed: string[] = [];
  for (const r of rows) {
    const key = `${r.type}/${r.name}`;
    if (r.same) same.set(key, Array.isArray(r.denied) ? r.denied : []);
    else changed.push(key);
  }
  const stored = changed.length ? await storedRows(db, vault.id, changed) : new Map<string, StoredAsset>();
  return { same, stored };
}

/**
 * Reads the inventory as compliance facts (through from-inventory.ts): every live object, or only the candidates of
 * an incremental evaluation — rows the scans wrote since the last evaluation's watermark plus the ids whose outcome
 * may have changed with time or a waiver. Assets come in pages so a 100k-object estate never sits in memory at once.
 */
import { and, gt, gte, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { DbOrTx } from "../db/client";
import { appCredentials, appRegistrations, assets, vaults } from "../db/schema";
import type { Facts } from "./facts";
import { appCredentialFacts, appFacts, assetFacts, vaultFacts, type AssetFactsRow } from "./from-inventory";

// a page is evaluated and written before the next is read: its size bounds the evaluation's memory in the scan thread
const PAGE = 2500;

/** The columns assetFacts reads; a secret's detail is never read by a rule, so it is not fetched. */
const ASSET_COLUMNS = sql.raw(`id::text as id, vault_id, subscription_id, type, name, enabled, managed, created_on,
  not_before, expires_on, content_type, case when type = 'secret' then '{}'::jsonb else detail end as detail`);

interface RawAsset {
  id: string;
  vault_id: string;
  subscription_id: string;
  type: AssetFactsRow["type"];
  name: string;
  enabled: boolean;
  managed: boolean;
  created_on: Date | string | null;
  not_before: Date | string | null;
  expires_on: Date | string | null;
  content_type: string | null;
  detail: Record<string, unknown> | string;
}

const time = (v: Date | string | null): Date | null => (v === null || v instanceof Date ? v : new Date(v));

function fromRaw(r: RawAsset): AssetFactsRow {
  return {
    id: r.id,
    vaultId: r.vault_id,
    subscriptionId: r.subscription_id,
    type: r.type,
    name: r.name,
    enabled: r.enabled,
    managed: r.managed,
    createdOn: time(r.created_on),
    notBefore: time(r.not_before),
    expiresOn: time(r.expires_on),
    contentType: r.content_type,
    detail: typeof r.detail === "string" ? (JSON.parse(r.detail) as Record<string, unknown>) : r.detail,
  };
}

export interface Selection {
  /** null: every live object; else rows written at or after this instant. */
  since: Date | null;
  /** Ids to evaluate whatever their write time (time-driven or waiver candidates), by scope. */
  ids: { scope: string; id: string }[];
}

/** Calls `onPage` with the facts of the selected live objects, a page at a time; vaults first, apps last. */
export async function readFacts(db: DbOrTx, sel: Selection, onPage: (facts: Facts[]) => Promise<void>): Promise<void> {
  const vaultRows = await db.select().from(vaults).where(isNull(vaults.removedAt));
  const vaultName = new Map(vaultRows.map((v) => [v.id, v.name]));
  // vaults are few and rewritten by every scan that reads them: always evaluated
  await onPage(vaultRows.map(vaultFacts));

  const idsOf = (...scopes: string[]) => sel.ids.filter((x) => scopes.includes(x.scope)).map((x) => x.id);
  const assetIds = idsOf("secret", "key", "certificate");
  const appIds = idsOf("app");
  const credentialIds = idsOf("appCredential");
  // an inserted row's last_seen_at is its insertion time too, so last_seen_at alone finds new and rewritten rows
  const picked = (lastSeen: AnyPgColumn, id: AnyPgColumn): SQL | undefined =>
    sel.since === null ? undefined : or(gte(lastSeen, sel.since), assetIds.length ? inArray(id, assetIds) : sql`false`);
  let after: string | null = null;
  for (;;) {
    const where = and(
      isNull(assets.removedAt),
      picked(assets.lastSeenAt, assets.id),
      after ? gt(assets.id, after) : undefined,
    );
    // raw rows: mapping 100k rows through the query builder cost more than the evaluation itself (profiled)
    const { rows } = (await db.execute(sql`select ${ASSET_COLUMNS} from ${assets} where ${where}
      order by ${assets.id} limit ${PAGE}`)) as unknown as { rows: RawAsset[] };
    if (!rows.length) break;
    await onPage(
      rows.flatMap((r) => {
        const name = vaultName.get(r.vault_id);
        return name === undefined ? [] : [assetFacts(fromRaw(r), name)];
      }),
    );
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1].id;
  }

  const apps = await db
    .select()
    .from(appRegistrations)
    .where(
      and(
        isNull(appRegistrations.removedAt),
        sel.since === null
          ? undefined
          : or(
              gte(appRegistrations.lastSeenAt, sel.since),
              appIds.length ? inArray(appRegistrations.id, appIds) : sql`false`,
            ),
      ),
    );
  const creds = await db
    .select()
    .from(appCredentials)
    .where(
      and(
        isNull(appCredentials.removedAt),
        sel.since === null
          ? undefined
          : or(
              gte(appCredentials.lastSeenAt, sel.since),
              credentialIds.length ? inArray(appCredentials.id, credentialIds) : sql`false`,
              apps.length
                ? inArray(
                    appCredentials.appObjectId,
                    apps.map((a) => a.id),
                  )
                : sql`false`,
            ),
      ),
    );
  const names = new Map(apps.map((a) => [a.id, a.displayName]));
  const missing = [...new Set(creds.map((c) => c.appObjectId).filter((id) => !names.has(id)))];
  if (missing.length)
    for (const a of await db
      .select({ id: appRegistrations.id, displayName: appRegistrations.displayName })
      .from(appRegistrations)
      .where(inArray(appRegistrations.id, missing)))
      names.set(a.id, a.displayName);
  const credsOf = new Map<string, typeof creds>();
  for (const c of creds) {
    const l = credsOf.get(c.appObjectId);
    if (l) l.push(c);
    else credsOf.set(c.appObjectId, [c]);
  }
  await onPage([
    ...apps.map((a) => appFacts(a, credsOf.get(a.id) ?? [])),
    ...creds.map((c) => appCredentialFacts(c, names.get(c.appObjectId) ?? c.appObjectId)),
  ]);
}

/** Objects removed from the inventory at or after `since` (their findings resolve as "removed"). */
export async function removedSince(db: DbOrTx, since: Date): Promise<string[]> {
  const v = await db.select({ id: vaults.id }).from(vaults).where(gte(vaults.removedAt, since));
  const a = await db.select({ id: assets.id }).from(assets).where(gte(assets.removedAt, since));
  const ap = await db
    .select({ id: appRegistrations.id })
    .from(appRegistrations)
    .where(gte(appRegistrations.removedAt, since));
  const c = await db.select({ id: appCredentials.id }).from(appCredentials).where(gte(appCredentials.removedAt, since));
  return [...v, ...a, ...ap, ...c].map((r) => r.id);
}

/**
 * Evaluated objects (compliance_objects) whose object a full read no longer returns — removed, or in a removed vault —
 * in pages of `PAGE` ids after `after`: what a full evaluation resolves as gone, without holding every stored object.
 */
export async function storedButGone(db: DbOrTx, after: string): Promise<string[]> {
  const { rows } = (await db.execute(sql`select co.object_id from compliance_objects co
    where co.object_id > ${after} and case co.scope
      when 'vault' then not exists (select 1 from vaults v where v.id = co.object_id and v.removed_at is null)
      when 'app' then not exists (select 1 from app_registrations r where r.id = co.object_id and r.removed_at is null)
      when 'appCredential' then not exists (select 1 from app_credentials c
        where c.id::text = co.object_id and c.removed_at is null)
      else not exists (select 1 from assets a join vaults v on v.id = a.vault_id and v.removed_at is null
        where a.id::text = co.object_id and a.removed_at is null) end
    order by co.object_id limit ${PAGE}`)) as unknown as { rows: { object_id: string }[] };
  return rows.map((r) => r.object_id);
}

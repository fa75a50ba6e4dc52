/**
 * Reads the inventory as compliance facts (through from-inventory.ts): every live object, or only the candidates of
 * an incremental evaluation — rows the scans wrote since the last evaluation's watermark plus the ids whose outcome
 * may have changed with time or a waiver. Assets come in pages so a 100k-object estate never sits in memory at once.
 */
import { and, eq, gt, gte, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { DbOrTx } from "../db/client";
import { appCredentials, appRegistrations, assets, complianceObjects, vaults } from "../db/schema";
import type { StoredObject } from "./evaluation-state";
import type { Facts } from "./facts";
import { appCredentialFacts, appFacts, assetFacts, vaultFacts, type AssetFactsRow } from "./from-inventory";

// a page is evaluated and written before the next is read: its size bounds the evaluation's memory in the scan thread
const PAGE = 2500;

/**
 * The columns assetFacts reads (a secret's detail is never read by a rule, so it is not fetched; instants as epoch
 * milliseconds, cheaper to decode than timestamp text).
 */
const ASSET_COLUMNS = sql.raw(`assets.id::text as id, assets.vault_id, assets.subscription_id, assets.type, assets.name,
  assets.enabled, assets.managed,
  round(date_part('epoch', assets.created_on) * 1000) as created_on,
  round(date_part('epoch', assets.not_before) * 1000) as not_before,
  round(date_part('epoch', assets.expires_on) * 1000) as expires_on,
  assets.content_type, case when assets.type = 'secret' then '{}'::jsonb else assets.detail end as detail`);

/**
 * A full pass joins each asset's stored evaluation — its digest, next change, and whether it was stored at the same
 * place (the usual case, when nothing else of it is needed) — merging both in uuid order; an incremental pass reads
 * ~1,000 scattered rows, for which one lookup of the page's ids is cheaper than a join per row (measured).
 */
const STORED_COLUMNS = sql.raw(`co.digest, round(date_part('epoch', co.next_change_at) * 1000) as next_change_at,
  co.vault_name as stored_vault_name, (co.scope = assets.type::text and co.object_name = assets.name
    and co.vault_id = assets.vault_id and co.subscription_id = assets.subscription_id) as same_place`);

interface RawAsset {
  id: string;
  vault_id: string;
  subscription_id: string;
  type: AssetFactsRow["type"];
  name: string;
  enabled: boolean;
  managed: boolean;
  created_on: number | null;
  not_before: number | null;
  expires_on: number | null;
  content_type: string | null;
  detail: Record<string, unknown> | string;
  /** the STORED_COLUMNS, absent when the read did not join them */
  digest?: string | null;
  next_change_at?: number | null;
  stored_vault_name?: string | null;
  same_place?: boolean | null;
}

const time = (v: number | null): Date | null => (v === null ? null : new Date(v));

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

/**
 * One object to evaluate and what the last evaluation stored for it: the stored row, "lookup" when the read did not
 * join it (or the object has moved, so its old place is needed), undefined when it was never evaluated.
 */
export interface Candidate {
  facts: Facts;
  stored: StoredObject | "lookup" | undefined;
}

const lookup = (facts: Facts): Candidate => ({ facts, stored: "lookup" });

function storedOf(r: RawAsset, vaultName: string): StoredObject | "lookup" | undefined {
  if (r.digest === undefined) return "lookup";
  if (r.digest === null) return undefined;
  if (!r.same_place || r.stored_vault_name !== vaultName) return "lookup";
  return {
    objectId: r.id,
    scope: r.type,
    objectName: r.name,
    vaultId: r.vault_id,
    vaultName,
    subscriptionId: r.subscription_id,
    digest: r.digest,
    nextChangeAt: r.next_change_at ?? null,
  };
}

const STORED_VAULT = {
  objectId: complianceObjects.objectId,
  scope: complianceObjects.scope,
  objectName: complianceObjects.objectName,
  vaultId: complianceObjects.vaultId,
  vaultName: complianceObjects.vaultName,
  subscriptionId: complianceObjects.subscriptionId,
  digest: complianceObjects.digest,
  nextChangeAt: complianceObjects.nextChangeAt,
};

export interface Selection {
  /** null: every live object; else rows written at or after this instant. */
  since: Date | null;
  /** Ids to evaluate whatever their write time (time-driven or waiver candidates), by scope. */
  ids: { scope: string; id: string }[];
}

/** Calls `onPage` with the selected live objects, a page at a time; vaults first, apps last. */
export async function readFacts(
  db: DbOrTx,
  sel: Selection,
  onPage: (page: Candidate[]) => Promise<void>,
): Promise<void> {
  // vaults are few and rewritten by every scan that reads them: always evaluated, their stored rows joined in
  const vaultRows = await db
    .select({ vault: vaults, stored: STORED_VAULT })
    .from(vaults)
    .leftJoin(complianceObjects, eq(complianceObjects.objectId, vaults.id))
    .where(isNull(vaults.removedAt));
  const vaultName = new Map(vaultRows.map(({ vault }) => [vault.id, vault.name]));
  await onPage(
    vaultRows.map(({ vault, stored }) => ({
      facts: vaultFacts(vault),
      stored: stored ? { ...stored, nextChangeAt: stored.nextChangeAt?.getTime() ?? null } : undefined,
    })),
  );

  const idsOf = (...scopes: string[]) => sel.ids.filter((x) => scopes.includes(x.scope)).map((x) => x.id);
  const assetIds = idsOf("secret", "key", "certificate");
  const appIds = idsOf("app");
  const credentialIds = idsOf("appCredential");
  // an inserted row's last_seen_at is its insertion time too, so last_seen_at alone finds new and rewritten rows
  const picked = (lastSeen: AnyPgColumn, id: AnyPgColumn): SQL | undefined =>
    sel.since === null ? undefined : or(gte(lastSeen, sel.since), assetIds.length ? inArray(id, assetIds) : sql`false`);
  const page = async (after: string | null): Promise<RawAsset[]> => {
    const where = and(
      isNull(assets.removedAt),
      picked(assets.lastSeenAt, assets.id),
      after ? gt(assets.id, after) : undefined,
    );
    // raw rows: mapping 100k rows through the query builder cost more than the evaluation itself (profiled)
    const query =
      sel.since === null
        ? sql`select ${ASSET_COLUMNS}, ${STORED_COLUMNS} from ${assets}
          left join compliance_objects co on co.object_id::uuid = ${assets.id}
            and co.scope in ('secret', 'key', 'certificate') ${after ? sql`and co.object_id::uuid > ${after}` : sql``}
          where ${where} order by ${assets.id} limit ${PAGE}`
        : sql`select ${ASSET_COLUMNS} from ${assets} where ${where} order by ${assets.id} limit ${PAGE}`;
    return ((await db.execute(query)) as unknown as { rows: RawAsset[] }).rows;
  };
  // the next page is asked for before this one is evaluated, so the database reads while this process evaluates (the
  // connection runs them in order: this page's writes follow that read, and touch none of its rows)
  let next = page(null);
  for (;;) {
    const rows = await next;
    if (!rows.length) break;
    next = rows.length < PAGE ? Promise.resolve([]) : page(rows[rows.length - 1].id);
    // an error of the page read ahead surfaces when it is awaited; until then it must not count as unhandled
    next.catch(() => undefined);
    await onPage(
      rows.flatMap((r) => {
        const name = vaultName.get(r.vault_id);
        return name === undefined ? [] : [{ facts: assetFacts(fromRaw(r), name), stored: storedOf(r, name) }];
      }),
    );
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
    ...apps.map((a) => lookup(appFacts(a, credsOf.get(a.id) ?? []))),
    ...creds.map((c) => lookup(appCredentialFacts(c, names.get(c.appObjectId) ?? c.appObjectId))),
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

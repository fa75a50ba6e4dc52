/** Batched, per-vault-atomic writes of the inventory. */
import { eq, getTableColumns, getTableName, sql, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { CloudVault, DiagnosticSettings } from "../cloud";
import type { DbOrTx, Tx } from "../db/client";
import { executeRows } from "../db/execute-rows";
import { readableAfterScan } from "../inventory/vault-readability";
import { assets, scanErrors, vaults } from "../db/schema";

export const BATCH_ROWS = 500;

export function chunks<T>(xs: T[], n = BATCH_ROWS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** `set` clause taking every listed column from the proposed row (EXCLUDED), plus lastSeenAt = now(), removedAt = null. */
export function excludedSet<T extends PgTable>(table: T, keys: string[]): Record<string, SQL> {
  const cols = getTableColumns(table) as Record<string, PgColumn>;
  const set: Record<string, SQL> = {};
  for (const k of keys) set[k] = sql.raw(`excluded."${cols[k].name}"`);
  set.lastSeenAt = sql`now()`;
  set.removedAt = sql`null`;
  return set;
}

export type AssetInsert = typeof assets.$inferInsert;
export type VaultInsert = typeof vaults.$inferInsert;

const ASSET_UPDATE_KEYS = [
  "subscriptionId",
  "objectId",
  "currentVersion",
  "enabled",
  "notBefore",
  "expiresOn",
  "createdOn",
  "updatedOn",
  "contentType",
  "managed",
  "recoveryLevel",
  "tags",
  "versionCount",
  "status",
  "detail",
  "detailFingerprint",
];

const ASSET_COLS = [
  "vaultId",
  "subscriptionId",
  "type",
  "name",
  ...ASSET_UPDATE_KEYS.filter((k) => k !== "subscriptionId"),
];

/** The row's listed columns as a JSON object keyed by column name (json_populate_record's input). */
function columnsJson(row: Record<string, unknown>, keys: readonly string[], cols: Record<string, PgColumn>) {
  const out: Record<string, unknown> = {};
  for (const k of keys) out[cols[k].name] = row[k] ?? null;
  return out;
}

interface UpsertColumns {
  /** every column the rows carry (a column left out keeps its database default) */
  insert: readonly string[];
  conflict: readonly string[];
  /** what a conflicting row takes from the new one */
  update: readonly string[];
  /** columns set to the database's now() on insert and update (besides last_seen_at) */
  stamped?: readonly string[];
}

/**
 * The upsert of `rows` with the whole batch as ONE json parameter (json_populate_recordset): building a 20-column ×
 * 500-row parameter list costs more CPU than the network calls that produced the rows; one JSON.stringify does not.
 * A row written is seen now and not removed.
 */
function upsertJsonSql<T extends PgTable>(table: T, rows: readonly object[], o: UpsertColumns): SQL {
  const cols = getTableColumns(table) as Record<string, PgColumn>;
  const q = (k: string) => `"${cols[k].name}"`;
  const stamped = (o.stamped ?? []).map(q);
  const names = o.insert.map(q).join(", ");
  const payload = JSON.stringify(rows.map((r) => columnsJson(r as Record<string, unknown>, o.insert, cols)));
  const sets = [
    ...o.update.map((k) => `${q(k)} = excluded.${q(k)}`),
    ...stamped.map((c) => `${c} = now()`),
    "last_seen_at = now()",
    "removed_at = null",
  ].join(", ");
  const name = sql.identifier(getTableName(table));
  const nowCols = stamped.map((c) => `, ${c}`).join("");
  const nows = stamped.map(() => ", now()").join("");
  return sql`insert into ${name} (${sql.raw(names + nowCols)}, last_seen_at, removed_at)
    select ${sql.raw(names + nows)}, now(), null from json_populate_recordset(null::${name}, ${payload}::json)
    on conflict (${sql.raw(o.conflict.map(q).join(", "))}) do update set ${sql.raw(sets)}`;
}

export async function upsertJson<T extends PgTable>(
  tx: DbOrTx,
  table: T,
  rows: readonly object[],
  o: UpsertColumns,
): Promise<void> {
  if (rows.length) await tx.execute(upsertJsonSql(table, rows, o));
}

export function upsertAssets(tx: DbOrTx, batch: AssetInsert[]): Promise<void> {
  return upsertJson(tx, assets, batch, {
    insert: ASSET_COLS,
    conflict: ["vaultId", "type", "name"],
    update: ASSET_UPDATE_KEYS,
  });
}

export function vaultRow(v: CloudVault): VaultInsert {
  return {
    id: v.id,
    subscriptionId: v.subscriptionId,
    resourceGroup: v.resourceGroup,
    name: v.name,
    location: v.location ?? null,
    vaultUri: v.vaultUri ?? null,
    tenantId: v.tenantId ?? null,
    sku: v.sku ?? null,
    enableRbacAuthorization: v.enableRbacAuthorization,
    enableSoftDelete: v.enableSoftDelete,
    softDeleteRetentionDays: v.softDeleteRetentionDays ?? null,
    enablePurgeProtection: v.enablePurgeProtection,
    publicNetworkAccess: v.publicNetworkAccess ?? null,
    networkDefaultAction: v.networkDefaultAction ?? null,
    ipRuleCount: v.ipRuleCount,
    ipRules: v.ipRules,
    vnetRuleCount: v.vnetRuleCount,
    privateEndpointCount: v.privateEndpointCount,
    accessPolicyCount: v.accessPolicyCount,
    enabledForDeployment: v.enabledForDeployment,
    enabledForDiskEncryption: v.enabledForDiskEncryption,
    enabledForTemplateDeployment: v.enabledForTemplateDeployment,
    networkBypass: v.networkBypass,
    privateEndpoints: v.privateEndpoints,
    accessPolicies: v.accessPolicies,
    tags: v.tags,
  };
}

const VAULT_PROP_KEYS = [
  "subscriptionId",
  "resourceGroup",
  "name",
  "location",
  "vaultUri",
  "tenantId",
  "sku",
  "enableRbacAuthorization",
  "enableSoftDelete",
  "softDeleteRetentionDays",
  "enablePurgeProtection",
  "publicNetworkAccess",
  "networkDefaultAction",
  "ipRuleCount",
  "ipRules",
  "vnetRuleCount",
  "privateEndpointCount",
  "accessPolicyCount",
  "enabledForDeployment",
  "enabledForDiskEncryption",
  "enabledForTemplateDeployment",
  "networkBypass",
  "privateEndpoints",
  "accessPolicies",
  "tags",
];

export interface VaultOutcome {
  vault: CloudVault;
  scanId: string;
  /** the vault's diagnostic settings; null: the read failed (the facts become unknown); undefined: not read (kept) */
  diagnostics?: DiagnosticSettings | null;
  /** the subscription's Defender for Key Vault pricing tier; null: the read failed; undefined: not read (kept) */
  defenderForKeyVault?: string | null;
  accessStatus: string;
  accessError: { code?: string; message: string; remediation: string } | null;
  /** null → the object lists could not be read: assets are left untouched */
  assets: AssetInsert[] | null;
  /** "type/name" of listed objects whose stored row is identical (not rewritten; the vault's listed_at moves) */
  unchanged?: string[];
  errors: { kind: string; code?: string; message: string; remediation: string }[];
}

/**
 * The vault row and, when its objects were listed, the objects no longer listed: ONE statement. Its CTEs share one
 * snapshot, so `prev` reads the listing time before the upsert moves it, and the objects that disappear now are
 * recorded as last seen by that previous listing. (Three drizzle statements cost more scanner CPU than a delta's
 * Key Vault request: docs/benchmarks.md.)
 */
async function upsertVault(
  tx: Tx,
  row: Record<string, unknown>,
  keys: string[],
  listed: string[] | null,
): Promise<number> {
  // listed_at is the database's now(), like last_seen_at: the clock every staleness comparison uses
  const upsert = upsertJsonSql(vaults, [row], {
    insert: keys,
    conflict: ["id"],
    update: keys,
    stamped: listed ? ["listedAt"] : [],
  });
  if (!listed) {
    await tx.execute(upsert);
    return 0;
  }
  const id = row.id as string;
  const [r] = await executeRows<{ gone: number }>(
    tx,
    sql`with prev as (select listed_at from vaults where id = ${id}),
    up as (${upsert} returning 1),
    gone as (
      update assets
        set removed_at = now(),
            last_seen_at = greatest(last_seen_at, coalesce((select listed_at from prev), last_seen_at))
        where vault_id = ${id} and removed_at is null
          and (type || '/' || name) not in (select json_array_elements_text(${JSON.stringify(listed)}::json))
        returning 1)
    select (select count(*) from gone)::int as gone`,
  );
  return Number(r?.gone ?? 0);
}

/**
 * One transaction per vault: the vault row with the missing assets marked removed (the objects reference the vault,
 * so it comes first), changed assets upserted in batches, scan errors. Unchanged assets are not written at all: the
 * vault's `listed_at` says when they were last seen.
 */
export async function writeVault(tx: Tx, o: VaultOutcome): Promise<number> {
  let rows = 0;
  const extra: Record<string, unknown> = {
    accessStatus: o.accessStatus,
    accessError: o.accessError,
    readable: readableAfterScan(o),
    lastScanId: o.scanId,
    lastScannedAt: new Date(),
  };
  // A failed read stores null (unknown), not the last value: a stale value would be judged as current. A vault whose
  // scan threw before reading them keeps what is stored, like the rest of its inventory.
  if (o.diagnostics !== undefined) {
    extra.diagnosticsEnabled = o.diagnostics?.logsEnabled ?? null;
    extra.diagnosticSettings = o.diagnostics?.settings ?? null;
  }
  if (o.defenderForKeyVault !== undefined) extra.defenderForKeyVault = o.defenderForKeyVault;
  if (o.assets) extra.objectCount = o.assets.length + (o.unchanged?.length ?? 0);
  const listed = o.assets ? [...o.assets.map((a) => `${a.type}/${a.name}`), ...(o.unchanged ?? [])] : null;
  rows +=
    1 +
    (await upsertVault(
      tx,
      { ...vaultRow(o.vault), ...extra },
      ["id", ...VAULT_PROP_KEYS, ...Object.keys(extra)],
      listed,
    ));
  if (o.assets) {
    for (const batch of chunks(o.assets)) {
      await upsertAssets(tx, batch);
      rows += batch.length;
    }
  }
  if (o.errors.length) {
    for (const batch of chunks(o.errors))
      await tx.insert(scanErrors).values(
        batch.map((e) => ({
          scanId: o.scanId,
          scope: o.vault.id,
          kind: e.kind,
          code: e.code ?? null,
          message: e.message,
          remediation: e.remediation,
        })),
      );
    rows += o.errors.length;
  }
  return rows;
}

/** A vault whose inventory could not be written: not read by this scan, whatever its stored row said. */
export async function markUnreadable(
  tx: DbOrTx,
  vaultId: string,
  accessError: VaultOutcome["accessError"],
): Promise<void> {
  await tx
    .update(vaults)
    .set({ readable: false, accessStatus: "internal", accessError, lastScannedAt: new Date() })
    .where(eq(vaults.id, vaultId));
}

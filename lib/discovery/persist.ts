/** Batched, per-vault-atomic writes of the inventory. */
import { eq, getTableColumns, sql, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { CloudVault, DiagnosticSettings } from "../cloud";
import type { DbOrTx, Tx } from "../db/client";
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

/**
 * Multi-row upsert of assets with the whole batch as ONE json parameter (json_populate_recordset): building a
 * 20-column × 500-row parameter list costs more CPU than the network calls that produced it; one JSON.stringify does not.
 */
export async function upsertAssets(tx: DbOrTx, batch: AssetInsert[]): Promise<void> {
  if (!batch.length) return;
  const cols = getTableColumns(assets) as Record<string, PgColumn>;
  const names = ASSET_COLS.map((k) => `"${cols[k].name}"`);
  const payload = JSON.stringify(
    batch.map((r) =>
      Object.fromEntries(ASSET_COLS.map((k) => [cols[k].name, (r as Record<string, unknown>)[k] ?? null])),
    ),
  );
  const updates = ASSET_UPDATE_KEYS.map((k) => `"${cols[k].name}" = excluded."${cols[k].name}"`).join(", ");
  await tx.execute(sql`insert into assets (${sql.raw(names.join(", "))}, last_seen_at, removed_at)
    select ${sql.raw(names.join(", "))}, now(), null from json_populate_recordset(null::assets, ${payload}::json)
    on conflict (vault_id, type, name) do update set ${sql.raw(updates)}, last_seen_at = now(), removed_at = null`);
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
 * One transaction per vault: vault row, changed assets upserted in batches, missing assets marked removed, scan errors.
 * Unchanged assets are not written at all: the vault's `listed_at` says when they were last seen.
 */
export async function writeVault(tx: Tx, o: VaultOutcome): Promise<number> {
  let rows = 0;
  const base = vaultRow(o.vault);
  const status = {
    accessStatus: o.accessStatus,
    accessError: o.accessError,
    readable: readableAfterScan(o),
    lastScanId: o.scanId,
    lastScannedAt: new Date(),
  };
  const extra: Record<string, unknown> = { ...status };
  // A failed read stores null (unknown), not the last value: a stale value would be judged as current. A vault whose
  // scan threw before reading them keeps what is stored, like the rest of its inventory.
  if (o.diagnostics !== undefined) {
    extra.diagnosticsEnabled = o.diagnostics?.logsEnabled ?? null;
    extra.diagnosticSettings = o.diagnostics?.settings ?? null;
  }
  if (o.defenderForKeyVault !== undefined) extra.defenderForKeyVault = o.defenderForKeyVault;
  // objects that disappear now were last seen by the previous listing
  let previousListing: Date | null = null;
  if (o.assets) {
    extra.objectCount = o.assets.length + (o.unchanged?.length ?? 0);
    extra.listedAt = sql`now()`;
    const [prev] = await tx
      .select({ listedAt: vaults.listedAt })
      .from(vaults)
      .where(eq(vaults.id, o.vault.id))
      .limit(1);
    previousListing = prev?.listedAt ?? null;
  }
  await tx
    .insert(vaults)
    .values({ ...base, ...extra } as VaultInsert)
    .onConflictDoUpdate({
      target: vaults.id,
      set: { ...excludedSet(vaults, [...VAULT_PROP_KEYS, ...Object.keys(extra)]) },
    });
  rows++;
  if (o.assets) {
    for (const batch of chunks(o.assets)) {
      await upsertAssets(tx, batch);
      rows += batch.length;
    }
    const listed = [...o.assets.map((a) => `${a.type}/${a.name}`), ...(o.unchanged ?? [])];
    const gone = await tx.execute(sql`update assets
      set removed_at = now(), last_seen_at = greatest(last_seen_at, coalesce(${previousListing}::timestamptz, last_seen_at))
      where vault_id = ${o.vault.id} and removed_at is null
        and (type || '/' || name) not in (select json_array_elements_text(${JSON.stringify(listed)}::json))`);
    rows += Number(
      (gone as { rowCount?: number; affectedRows?: number }).rowCount ??
        (gone as { affectedRows?: number }).affectedRows ??
        0,
    );
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

/**
 * The dashboard's aggregate queries, one function each; dashboard-summary.ts runs them in parallel and shapes the
 * result. Every count is computed in the database (GROUP BY / FILTER), never by loading rows.
 */
import { and, asc, desc, inArray, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { appCredentials, assets, scanRuns, subscriptions, vaults } from "../db/schema";
import { unreadableVault } from "./vault-readability";

/** The time window of the expiry timeline: [now, horizon) in buckets of bucketSeconds. */
export interface TimelineWindow {
  now: Date;
  horizon: Date;
  bucketSeconds: number;
}

function countsSql(statusCol: unknown, expiryCol: unknown, enabledSql: ReturnType<typeof sql>) {
  return {
    total: sql<number>`count(*)::int`,
    expired: sql<number>`(count(*) filter (where ${expiryCol} is not null and ${statusCol} = 'expired'))::int`,
    critical: sql<number>`(count(*) filter (where ${expiryCol} is not null and ${statusCol} = 'critical'))::int`,
    warning: sql<number>`(count(*) filter (where ${expiryCol} is not null and ${statusCol} = 'warning'))::int`,
    healthy: sql<number>`(count(*) filter (where ${expiryCol} is not null and ${statusCol} = 'healthy'))::int`,
    noExpiry: sql<number>`(count(*) filter (where ${expiryCol} is null))::int`,
    disabled: sql<number>`(count(*) filter (where ${enabledSql}))::int`,
  };
}

const liveAssets = isNull(assets.removedAt);
const liveCreds = isNull(appCredentials.removedAt);

/** One pass over the assets for both the KPIs and the per-subscription breakdown (subscriptions × 3 types rows). */
export function assetGroups(db: DbOrTx) {
  return db
    .select({
      subscriptionId: assets.subscriptionId,
      type: assets.type,
      ...countsSql(assets.status, assets.expiresOn, sql`not ${assets.enabled}`),
    })
    .from(assets)
    .where(liveAssets)
    .groupBy(assets.subscriptionId, assets.type);
}

export function credentialCounts(db: DbOrTx) {
  return db
    .select(countsSql(appCredentials.status, appCredentials.endDateTime, sql`false`))
    .from(appCredentials)
    .where(liveCreds);
}

export function vaultCounts(db: DbOrTx) {
  return db
    .select({
      total: sql<number>`count(*)::int`,
      reachable: sql<number>`(count(*) filter (where ${vaults.readable}))::int`,
      unreachable: sql<number>`(count(*) filter (where ${unreadableVault}))::int`,
      notScanned: sql<number>`(count(*) filter (where ${vaults.readable} is null))::int`,
      rbac: sql<number>`(count(*) filter (where ${vaults.enableRbacAuthorization}))::int`,
      accessPolicies: sql<number>`(count(*) filter (where ${vaults.enableRbacAuthorization} is not true))::int`,
      noPurgeProtection: sql<number>`(count(*) filter (where ${vaults.enablePurgeProtection} is not true))::int`,
      noSoftDelete: sql<number>`(count(*) filter (where ${vaults.enableSoftDelete} is false))::int`,
      publicNetwork: sql<number>`(count(*) filter (where coalesce(lower(${vaults.publicNetworkAccess}), 'enabled') = 'enabled' and coalesce(lower(${vaults.networkDefaultAction}), 'allow') = 'allow'))::int`,
      noDiagnostics: sql<number>`(count(*) filter (where ${vaults.diagnosticsEnabled} is not true))::int`,
    })
    .from(vaults)
    .where(isNull(vaults.removedAt));
}

export function assetTimeline(db: DbOrTx, { now, horizon, bucketSeconds }: TimelineWindow) {
  return db
    .select({
      bucket:
        sql<number>`floor(extract(epoch from (${assets.expiresOn} - ${now.toISOString()}::timestamptz)) / ${bucketSeconds})::int`.as(
          "bucket",
        ),
      type: assets.type,
      n: sql<number>`count(*)::int`,
    })
    .from(assets)
    .where(
      and(
        liveAssets,
        sql`${assets.expiresOn} >= ${now.toISOString()}::timestamptz`,
        sql`${assets.expiresOn} < ${horizon.toISOString()}::timestamptz`,
      ),
    )
    .groupBy(sql`1`, assets.type);
}

export function credentialTimeline(db: DbOrTx, { now, horizon, bucketSeconds }: TimelineWindow) {
  return db
    .select({
      bucket:
        sql<number>`floor(extract(epoch from (${appCredentials.endDateTime} - ${now.toISOString()}::timestamptz)) / ${bucketSeconds})::int`.as(
          "bucket",
        ),
      n: sql<number>`count(*)::int`,
    })
    .from(appCredentials)
    .where(
      and(
        liveCreds,
        sql`${appCredentials.endDateTime} >= ${now.toISOString()}::timestamptz`,
        sql`${appCredentials.endDateTime} < ${horizon.toISOString()}::timestamptz`,
      ),
    )
    .groupBy(sql`1`);
}

export function subscriptionVaults(db: DbOrTx) {
  return db
    .select({
      id: vaults.subscriptionId,
      vaults: sql<number>`count(*)::int`,
      unreachable: sql<number>`(count(*) filter (where ${unreadableVault}))::int`,
    })
    .from(vaults)
    .where(isNull(vaults.removedAt))
    .groupBy(vaults.subscriptionId);
}

export function subscriptionNames(db: DbOrTx) {
  return db.select({ id: subscriptions.id, name: subscriptions.displayName }).from(subscriptions);
}

export function riskVaults(db: DbOrTx, limit: number) {
  return db
    .select({
      id: vaults.id,
      name: vaults.name,
      subscriptionId: vaults.subscriptionId,
      accessStatus: vaults.accessStatus,
      accessError: vaults.accessError,
      lastScannedAt: vaults.lastScannedAt,
      objectCount: vaults.objectCount,
      listedAt: vaults.listedAt,
    })
    .from(vaults)
    .where(and(isNull(vaults.removedAt), unreadableVault))
    .orderBy(asc(vaults.name))
    .limit(limit);
}

export function lastScan(db: DbOrTx) {
  return db.select().from(scanRuns).orderBy(desc(scanRuns.createdAt)).limit(1);
}

export function lastCompletedScan(db: DbOrTx) {
  return db
    .select()
    .from(scanRuns)
    .where(inArray(scanRuns.status, ["completed", "completed_with_errors"]))
    .orderBy(desc(scanRuns.finishedAt))
    .limit(1);
}

/**
 * Whether a scan of everything (no scope) has ever completed, and how many vaults the latest such scan listed: until
 * the first one completes, the inventory is only the part of the estate read so far.
 */
export async function inventoryCoverage(db: DbOrTx): Promise<{ completed: boolean; listedVaults: number | null }> {
  const [r] = await db
    .select({
      completed: sql<boolean>`coalesce(bool_or(${scanRuns.status} in ('completed', 'completed_with_errors')), false)`,
      listedVaults: sql<
        number | null
      >`(array_agg(${scanRuns.vaultsTotal} order by ${scanRuns.createdAt} desc) filter (where ${scanRuns.vaultsTotal} > 0))[1]`,
    })
    .from(scanRuns)
    .where(sql`${scanRuns.scope} = '{}'::jsonb`);
  return { completed: !!r?.completed, listedVaults: r?.listedVaults == null ? null : Number(r.listedVaults) };
}

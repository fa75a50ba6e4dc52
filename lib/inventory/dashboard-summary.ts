import { and, asc, desc, eq, inArray, isNull, notInArray, sql } from "drizzle-orm";
import { z } from "zod";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { dbOf } from "../db/transaction";
import { cached, inventoryVersion } from "./cache";
import { appCredentials, appRegistrations, assets, scanRuns, subscriptions, vaults, type ScanRun } from "../db/schema";

export const dashboardInput = z.object({
  /** Timeline horizon in days and bucket width; the defaults are 90 days in weekly buckets. */
  horizonDays: z.coerce.number().int().min(7).max(365).default(90),
  bucketDays: z.coerce.number().int().min(1).max(31).default(7),
  topRisks: z.coerce.number().int().min(1).max(50).default(10),
});

export interface StatusCounts {
  total: number;
  expired: number;
  critical: number;
  warning: number;
  healthy: number;
  noExpiry: number;
  disabled: number;
}
export type KpiKind = "secret" | "certificate" | "key" | "credential";

export interface DashboardSummary {
  generatedAt: Date;
  kpis: Record<KpiKind, StatusCounts>;
  vaults: {
    total: number;
    reachable: number;
    unreachable: number;
    notScanned: number;
    rbac: number;
    accessPolicies: number;
    noPurgeProtection: number;
    noSoftDelete: number;
    publicNetwork: number;
    noDiagnostics: number;
  };
  timeline: {
    start: Date;
    end: Date;
    label: string;
    secret: number;
    certificate: number;
    key: number;
    credential: number;
  }[];
  bySubscription: {
    id: string;
    name: string | null;
    vaults: number;
    unreachable: number;
    objects: number;
    expired: number;
    critical: number;
    warning: number;
    noExpiry: number;
  }[];
  risks: {
    objects: {
      id: string;
      type: string;
      name: string;
      vaultId: string;
      vaultName: string | null;
      status: string;
      expiresOn: Date | null;
      enabled: boolean;
    }[];
    credentials: {
      id: string;
      appObjectId: string;
      appName: string;
      kind: string;
      type: string;
      displayName: string | null;
      status: string;
      endDateTime: Date | null;
    }[];
    vaults: {
      id: string;
      name: string;
      subscriptionId: string;
      accessStatus: string;
      accessError: { code?: string; message: string; remediation: string } | null;
      lastScannedAt: Date | null;
    }[];
  };
  lastScan: ScanRun | null;
  lastCompletedScan: ScanRun | null;
  hasInventory: boolean;
}

const n = (v: unknown) => Number(v ?? 0);
const UNREACHABLE_EXCLUDE = ["ok", "unknown"];

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

const empty = (): StatusCounts => ({
  total: 0,
  expired: 0,
  critical: 0,
  warning: 0,
  healthy: 0,
  noExpiry: 0,
  disabled: 0,
});

/** Everything the dashboard shows, aggregated in the database (a handful of GROUP BY queries, run in parallel). */
export async function dashboardSummary({
  ctx,
  input = {},
  now = new Date(),
}: {
  ctx: Ctx;
  input?: unknown;
  now?: Date;
}): Promise<DashboardSummary> {
  assertPermission(ctx, "dashboard:read");
  const db = await dbOf(ctx);
  const q = dashboardInput.parse(input);
  const horizon = new Date(now.getTime() + q.horizonDays * 86_400_000);
  const bucketSeconds = q.bucketDays * 86_400;
  const liveAssets = isNull(assets.removedAt);
  const liveCreds = isNull(appCredentials.removedAt);

  const [
    assetGroups,
    credKpis,
    [v],
    assetTimeline,
    credTimeline,
    subVaults,
    subNames,
    riskObjects,
    riskCreds,
    riskVaults,
    [lastScan],
    [lastCompleted],
  ] = await Promise.all([
    // One pass over the assets for both the KPIs and the per-subscription breakdown (subscriptions × 3 types rows).
    db
      .select({
        subscriptionId: assets.subscriptionId,
        type: assets.type,
        ...countsSql(assets.status, assets.expiresOn, sql`not ${assets.enabled}`),
      })
      .from(assets)
      .where(liveAssets)
      .groupBy(assets.subscriptionId, assets.type),
    db
      .select(countsSql(appCredentials.status, appCredentials.endDateTime, sql`false`))
      .from(appCredentials)
      .where(liveCreds),
    db
      .select({
        total: sql<number>`count(*)::int`,
        reachable: sql<number>`(count(*) filter (where ${vaults.accessStatus} = 'ok'))::int`,
        unreachable: sql<number>`(count(*) filter (where ${vaults.accessStatus} not in ('ok', 'unknown')))::int`,
        notScanned: sql<number>`(count(*) filter (where ${vaults.accessStatus} = 'unknown'))::int`,
        rbac: sql<number>`(count(*) filter (where ${vaults.enableRbacAuthorization}))::int`,
        accessPolicies: sql<number>`(count(*) filter (where ${vaults.enableRbacAuthorization} is not true))::int`,
        noPurgeProtection: sql<number>`(count(*) filter (where ${vaults.enablePurgeProtection} is not true))::int`,
        noSoftDelete: sql<number>`(count(*) filter (where ${vaults.enableSoftDelete} is false))::int`,
        publicNetwork: sql<number>`(count(*) filter (where coalesce(lower(${vaults.publicNetworkAccess}), 'enabled') = 'enabled' and coalesce(lower(${vaults.networkDefaultAction}), 'allow') = 'allow'))::int`,
        noDiagnostics: sql<number>`(count(*) filter (where ${vaults.diagnosticsEnabled} is not true))::int`,
      })
      .from(vaults)
      .where(isNull(vaults.removedAt)),
    db
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
      .groupBy(sql`1`, assets.type),
    db
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
      .groupBy(sql`1`),
    db
      .select({
        id: vaults.subscriptionId,
        vaults: sql<number>`count(*)::int`,
        unreachable: sql<number>`(count(*) filter (where ${vaults.accessStatus} not in ('ok', 'unknown')))::int`,
      })
      .from(vaults)
      .where(isNull(vaults.removedAt))
      .groupBy(vaults.subscriptionId),
    db.select({ id: subscriptions.id, name: subscriptions.displayName }).from(subscriptions),
    db
      .select({
        id: assets.id,
        type: assets.type,
        name: assets.name,
        vaultId: assets.vaultId,
        vaultName: vaults.name,
        status: assets.status,
        expiresOn: assets.expiresOn,
        enabled: assets.enabled,
      })
      .from(assets)
      .leftJoin(vaults, eq(vaults.id, assets.vaultId))
      .where(
        and(
          liveAssets,
          inArray(assets.status, ["expired", "critical", "warning"]),
          sql`${assets.expiresOn} is not null`,
        ),
      )
      .orderBy(asc(assets.expiresOn), asc(assets.id))
      .limit(q.topRisks),
    db
      .select({
        id: appCredentials.id,
        appObjectId: appCredentials.appObjectId,
        appName: appRegistrations.displayName,
        kind: appRegistrations.kind,
        type: appCredentials.type,
        displayName: appCredentials.displayName,
        status: appCredentials.status,
        endDateTime: appCredentials.endDateTime,
      })
      .from(appCredentials)
      .innerJoin(appRegistrations, eq(appRegistrations.id, appCredentials.appObjectId))
      .where(
        and(
          liveCreds,
          inArray(appCredentials.status, ["expired", "critical", "warning"]),
          sql`${appCredentials.endDateTime} is not null`,
        ),
      )
      .orderBy(asc(appCredentials.endDateTime), asc(appCredentials.id))
      .limit(q.topRisks),
    db
      .select({
        id: vaults.id,
        name: vaults.name,
        subscriptionId: vaults.subscriptionId,
        accessStatus: vaults.accessStatus,
        accessError: vaults.accessError,
        lastScannedAt: vaults.lastScannedAt,
      })
      .from(vaults)
      .where(and(isNull(vaults.removedAt), notInArray(vaults.accessStatus, UNREACHABLE_EXCLUDE)))
      .orderBy(asc(vaults.name))
      .limit(q.topRisks),
    db.select().from(scanRuns).orderBy(desc(scanRuns.createdAt)).limit(1),
    db
      .select()
      .from(scanRuns)
      .where(inArray(scanRuns.status, ["completed", "completed_with_errors"]))
      .orderBy(desc(scanRuns.finishedAt))
      .limit(1),
  ]);

  const kpis: Record<KpiKind, StatusCounts> = {
    secret: empty(),
    certificate: empty(),
    key: empty(),
    credential: empty(),
  };
  for (const r of assetGroups) {
    const k = kpis[r.type as KpiKind];
    for (const f of Object.keys(k) as (keyof StatusCounts)[]) k[f] += n(r[f]);
  }
  if (credKpis[0])
    kpis.credential = Object.fromEntries(
      Object.entries(credKpis[0]).map(([k, x]) => [k, n(x)]),
    ) as unknown as StatusCounts;

  const buckets = Math.ceil(q.horizonDays / q.bucketDays);
  const timeline: DashboardSummary["timeline"] = Array.from({ length: buckets }, (_, i) => {
    const start = new Date(now.getTime() + i * bucketSeconds * 1000);
    const end = new Date(Math.min(now.getTime() + (i + 1) * bucketSeconds * 1000, horizon.getTime()));
    return { start, end, label: start.toISOString().slice(5, 10), secret: 0, certificate: 0, key: 0, credential: 0 };
  });
  for (const r of assetTimeline) {
    const b = timeline[n(r.bucket)];
    if (b) b[r.type as "secret" | "certificate" | "key"] += n(r.n);
  }
  for (const r of credTimeline) {
    const b = timeline[n(r.bucket)];
    if (b) b.credential += n(r.n);
  }

  const names = new Map(subNames.map((s) => [s.id, s.name]));
  const byId = new Map<string, DashboardSummary["bySubscription"][number]>();
  const sub = (id: string) => {
    let s = byId.get(id);
    if (!s)
      byId.set(
        id,
        (s = {
          id,
          name: names.get(id) ?? null,
          vaults: 0,
          unreachable: 0,
          objects: 0,
          expired: 0,
          critical: 0,
          warning: 0,
          noExpiry: 0,
        }),
      );
    return s;
  };
  for (const r of subVaults) Object.assign(sub(r.id), { vaults: n(r.vaults), unreachable: n(r.unreachable) });
  for (const r of assetGroups) {
    const s = sub(r.subscriptionId);
    s.objects += n(r.total);
    s.expired += n(r.expired);
    s.critical += n(r.critical);
    s.warning += n(r.warning);
    s.noExpiry += n(r.noExpiry);
  }
  const bySubscription = [...byId.values()].sort(
    (a, b) => b.expired + b.critical - (a.expired + a.critical) || b.objects - a.objects || a.id.localeCompare(b.id),
  );

  const vaultCounts = Object.fromEntries(
    Object.entries(v ?? {}).map(([k, x]) => [k, n(x)]),
  ) as DashboardSummary["vaults"];
  const hasInventory = vaultCounts.total > 0 || Object.values(kpis).some((k) => k.total > 0);
  return {
    generatedAt: now,
    kpis,
    vaults: vaultCounts,
    timeline,
    bySubscription,
    risks: { objects: riskObjects, credentials: riskCreds, vaults: riskVaults },
    lastScan: lastScan ?? null,
    lastCompletedScan: lastCompleted ?? null,
    hasInventory,
  };
}

/**
 * The dashboard as the console serves it: the same summary, computed at most once per 30 s per process and
 * recomputed as soon as a scan changes the inventory (see cache.ts). Identical for every reader.
 */
export async function cachedDashboardSummary(ctx: Ctx): Promise<DashboardSummary> {
  assertPermission(ctx, "dashboard:read");
  const version = await inventoryVersion(await dbOf(ctx));
  return cached(`dashboard:${version}`, 30_000, () => dashboardSummary({ ctx }));
}

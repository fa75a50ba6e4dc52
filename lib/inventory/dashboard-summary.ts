import { z } from "zod";
import { wholeNumber } from "../validation";
import { assertPermission } from "../auth/authorize";
import type { Ctx, TimedVerbArgs } from "../context";
import { dbOf } from "../db/transaction";
import { cached, inventoryVersion } from "./cache";
import type { ScanRun } from "../db/schema";
import * as Q from "./dashboard-queries";
import { leftovers, rankLeftovers, rankRisks, riskCredentials, riskObjects, type RankedRisk } from "./risks";

export const dashboardInput = z.object({
  /** Timeline horizon in days and bucket width; the defaults are 90 days in weekly buckets. */
  horizonDays: wholeNumber(7, 365).default(90),
  bucketDays: wholeNumber(1, 31).default(7),
  topRisks: wholeNumber(1, 50).default(10),
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
    /** readable / unreadable / never scanned: vault-readability.ts */
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
    /** enabled objects and effective app credentials, closest to their expiry first */
    ranked: RankedRisk[];
    vaults: {
      id: string;
      name: string;
      subscriptionId: string;
      accessStatus: string;
      accessError: { code?: string; message: string; remediation: string } | null;
      lastScannedAt: Date | null;
      /** the last listing's count (listedAt null: never listed) */
      objectCount: number;
      listedAt: Date | null;
    }[];
    /** expired long ago or superseded: clean-up, not incidents (oldest first; total counts all) */
    leftovers: { total: number; afterDays: number; items: RankedRisk[] };
  };
  lastScan: ScanRun | null;
  lastCompletedScan: ScanRun | null;
  hasInventory: boolean;
  /** Until a scan of everything has completed once: how much of the estate the inventory covers. Else null. */
  partial: { vaultsRead: number; vaultsTotal: number } | null;
}

const n = (v: unknown) => Number(v ?? 0);
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
}: TimedVerbArgs): Promise<DashboardSummary> {
  assertPermission(ctx, "dashboard:read");
  const db = await dbOf(ctx);
  const q = dashboardInput.parse(input);
  const horizon = new Date(now.getTime() + q.horizonDays * 86_400_000);
  const bucketSeconds = q.bucketDays * 86_400;

  const window = { now, horizon, bucketSeconds };
  const [
    assetGroups,
    credKpis,
    [v],
    assetTimeline,
    credTimeline,
    subVaults,
    subNames,
    objectRisks,
    credentialRisks,
    riskVaults,
    leftoverRows,
    [lastScan],
    [lastCompleted],
    coverage,
  ] = await Promise.all([
    Q.assetGroups(db),
    Q.credentialCounts(db),
    Q.vaultCounts(db),
    Q.assetTimeline(db, window),
    Q.credentialTimeline(db, window),
    Q.subscriptionVaults(db),
    Q.subscriptionNames(db),
    riskObjects(db, { now, limit: q.topRisks }),
    riskCredentials(db, { now, limit: q.topRisks }),
    Q.riskVaults(db, q.topRisks),
    leftovers(db, { now, limit: q.topRisks }),
    Q.lastScan(db),
    Q.lastCompletedScan(db),
    Q.inventoryCoverage(db),
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
  // every vault written by a scan has a row, so the rows are what has been read of the vaults the scan listed
  const total = coverage.listedVaults;
  const partial =
    !coverage.completed && total ? { vaultsRead: Math.min(vaultCounts.total, total), vaultsTotal: total } : null;
  return {
    generatedAt: now,
    kpis,
    vaults: vaultCounts,
    timeline,
    bySubscription,
    risks: {
      ranked: rankRisks(objectRisks, credentialRisks, now, q.topRisks),
      vaults: riskVaults,
      leftovers: rankLeftovers(leftoverRows, q.topRisks),
    },
    lastScan: lastScan ?? null,
    lastCompletedScan: lastCompleted ?? null,
    hasInventory,
    partial,
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

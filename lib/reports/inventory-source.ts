/**
 * Inventory, expiry, app-credential and coverage figures for the package: aggregates computed in the database, plus
 * capped row lists for the PDF (the attached CSVs carry every row).
 */
import { and, asc, desc, eq, gte, inArray, isNull, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { appCredentials, appRegistrations, assets, scanRuns, subscriptions, vaults } from "../db/schema";
import type { EvidenceData } from "./evidence-data";

const DAY = 86_400_000;
type Section<K extends keyof EvidenceData> = NonNullable<EvidenceData[K]>;

export async function inventorySection(
  db: DbOrTx,
  subs: string[],
  now: Date,
  vaultScore: Map<string, number | null> | null,
): Promise<Section<"inventory">> {
  const soon = new Date(now.getTime() + 30 * DAY);
  const subFilter = subs.length ? inArray(assets.subscriptionId, subs) : undefined;
  const counts = {
    secrets: sql<number>`(count(*) filter (where ${assets.type} = 'secret'))::int`,
    certificates: sql<number>`(count(*) filter (where ${assets.type} = 'certificate'))::int`,
    keys: sql<number>`(count(*) filter (where ${assets.type} = 'key'))::int`,
    expired: sql<number>`(count(*) filter (where ${assets.expiresOn} < ${now}))::int`,
    expiring30: sql<number>`(count(*) filter (where ${assets.expiresOn} >= ${now} and ${assets.expiresOn} < ${soon}))::int`,
  };
  const [subRows, assetBySub, vaultRows, assetByVault] = await Promise.all([
    db
      .select({ id: subscriptions.id, name: subscriptions.displayName })
      .from(subscriptions)
      .where(and(isNull(subscriptions.removedAt), subs.length ? inArray(subscriptions.id, subs) : undefined)),
    db
      .select({ id: assets.subscriptionId, ...counts })
      .from(assets)
      .where(and(isNull(assets.removedAt), subFilter))
      .groupBy(assets.subscriptionId),
    db
      .select({ id: vaults.id, name: vaults.name, sub: vaults.subscriptionId, access: vaults.accessStatus })
      .from(vaults)
      .where(and(isNull(vaults.removedAt), subs.length ? inArray(vaults.subscriptionId, subs) : undefined))
      .orderBy(asc(vaults.name)),
    db
      .select({ id: assets.vaultId, n: sql<number>`count(*)::int`, ...counts })
      .from(assets)
      .where(and(isNull(assets.removedAt), subFilter))
      .groupBy(assets.vaultId),
  ]);
  const subName = new Map(subRows.map((s) => [s.id, s.name]));
  const bySubAssets = new Map(assetBySub.map((r) => [r.id, r]));
  const vaultCount = new Map<string, number>();
  for (const v of vaultRows) vaultCount.set(v.sub, (vaultCount.get(v.sub) ?? 0) + 1);
  const byVaultAssets = new Map(assetByVault.map((r) => [r.id, r]));
  const ids = [...new Set([...subRows.map((s) => s.id), ...vaultCount.keys()])];
  return {
    bySubscription: ids
      .map((id) => {
        const a = bySubAssets.get(id);
        return {
          id,
          name: subName.get(id) ?? id,
          vaults: vaultCount.get(id) ?? 0,
          secrets: a?.secrets ?? 0,
          certificates: a?.certificates ?? 0,
          keys: a?.keys ?? 0,
          expired: a?.expired ?? 0,
          expiring30: a?.expiring30 ?? 0,
        };
      })
      .sort((x, y) => x.name.localeCompare(y.name)),
    byVault: vaultRows.map((v) => {
      const a = byVaultAssets.get(v.id);
      return {
        name: v.name,
        subscription: subName.get(v.sub) ?? v.sub,
        objects: a?.n ?? 0,
        expired: a?.expired ?? 0,
        expiring30: a?.expiring30 ?? 0,
        score: vaultScore?.get(v.id) ?? null,
        access: v.access,
      };
    }),
  };
}

/** Objects and app credentials expiring in [now, now + 90 days), soonest first. */
export async function expirySection(db: DbOrTx, subs: string[], now: Date, max = 500): Promise<Section<"expiry">> {
  const horizon = new Date(now.getTime() + 90 * DAY);
  const assetWhere = and(
    isNull(assets.removedAt),
    gte(assets.expiresOn, now),
    lt(assets.expiresOn, horizon),
    subs.length ? inArray(assets.subscriptionId, subs) : undefined,
  );
  const credWhere = and(
    isNull(appCredentials.removedAt),
    gte(appCredentials.endDateTime, now),
    lt(appCredentials.endDateTime, horizon),
  );
  const [[{ n: na }], [{ n: nc }], a, c] = await Promise.all([
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(assets)
      .where(assetWhere),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(appCredentials)
      .where(credWhere),
    db
      .select({ at: assets.expiresOn, type: assets.type, name: assets.name, vault: vaults.name, status: assets.status })
      .from(assets)
      .leftJoin(vaults, eq(vaults.id, assets.vaultId))
      .where(assetWhere)
      .orderBy(asc(assets.expiresOn), asc(assets.name))
      .limit(max),
    db
      .select({
        at: appCredentials.endDateTime,
        type: appCredentials.type,
        name: appCredentials.displayName,
        app: appRegistrations.displayName,
        status: appCredentials.status,
      })
      .from(appCredentials)
      .innerJoin(appRegistrations, eq(appRegistrations.id, appCredentials.appObjectId))
      .where(credWhere)
      .orderBy(asc(appCredentials.endDateTime))
      .limit(max),
  ]);
  const rows = [
    ...a.map((r) => ({ at: r.at!, kind: r.type, name: r.name, where: r.vault ?? "", status: r.status })),
    ...c.map((r) => ({
      at: r.at!,
      kind: r.type === "password" ? "client secret" : "app certificate",
      name: r.name ?? "(unnamed)",
      where: r.app,
      status: r.status,
    })),
  ]
    .sort((x, y) => x.at.getTime() - y.at.getTime())
    .slice(0, max);
  return {
    total: na + nc,
    shown: rows.map((r) => ({
      date: r.at.toISOString().slice(0, 10),
      days: Math.floor((r.at.getTime() - now.getTime()) / DAY),
      kind: r.kind,
      name: r.name,
      where: r.where,
      status: r.status,
    })),
  };
}

export async function appsSection(db: DbOrTx, now: Date, max = 300): Promise<Section<"apps">> {
  const live = isNull(appCredentials.removedAt);
  const [counts, rows] = await Promise.all([
    db
      .select({ status: appCredentials.status, count: sql<number>`count(*)::int` })
      .from(appCredentials)
      .where(live)
      .groupBy(appCredentials.status),
    db
      .select({ c: appCredentials, app: appRegistrations.displayName })
      .from(appCredentials)
      .innerJoin(appRegistrations, eq(appRegistrations.id, appCredentials.appObjectId))
      .where(and(live, sql`${appCredentials.status} <> 'healthy'`))
      .orderBy(asc(appCredentials.endDateTime))
      .limit(max),
  ]);
  const order = ["expired", "critical", "warning", "healthy"];
  return {
    counts: order.map((s) => ({ status: s, count: counts.find((c) => c.status === s)?.count ?? 0 })),
    total: counts.reduce((s, c) => s + c.count, 0),
    shown: rows.map(({ c, app }) => ({
      app,
      type: c.type === "password" ? "client secret" : "certificate",
      name: c.displayName ?? c.hint ?? "(unnamed)",
      end: c.endDateTime?.toISOString().slice(0, 10) ?? null,
      days: c.endDateTime ? Math.floor((c.endDateTime.getTime() - now.getTime()) / DAY) : null,
      status: c.status,
    })),
  };
}

export async function coverageSection(db: DbOrTx, subs: string[]): Promise<Section<"coverage">> {
  const [rows, [last]] = await Promise.all([
    db
      .select({
        name: vaults.name,
        sub: subscriptions.displayName,
        subId: vaults.subscriptionId,
        readable: vaults.readable,
        status: vaults.accessStatus,
        error: vaults.accessError,
      })
      .from(vaults)
      .leftJoin(subscriptions, eq(subscriptions.id, vaults.subscriptionId))
      .where(and(isNull(vaults.removedAt), subs.length ? inArray(vaults.subscriptionId, subs) : undefined))
      .orderBy(asc(vaults.name)),
    db
      .select({ id: scanRuns.id, finishedAt: scanRuns.finishedAt, status: scanRuns.status })
      .from(scanRuns)
      .orderBy(desc(scanRuns.createdAt))
      .limit(1),
  ]);
  return {
    vaults: rows.length,
    read: rows.filter((r) => r.readable === true).length,
    neverScanned: rows.filter((r) => r.readable === null).length,
    unreadable: rows
      .filter((r) => r.readable === false)
      .map((r) => ({
        vault: r.name,
        subscription: r.sub ?? r.subId,
        status: r.status,
        // the remedy is written for people; the cloud's raw message (ids, caller details) only when there is none
        reason: r.error?.remediation || r.error?.message.slice(0, 300) || r.status,
      })),
    lastScan: last ? { id: last.id, finishedAt: last.finishedAt?.toISOString() ?? null, status: last.status } : null,
  };
}

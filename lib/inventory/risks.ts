/**
 * What the dashboard calls a risk, and in which order. Urgency is closeness to the moment of expiry: something that
 * expires within the hour or expired yesterday comes before something due in three weeks, whatever its type. Only
 * what can break something counts: enabled, live objects and each app's effective credentials (see
 * effective-credentials.ts). What expired long ago (or was superseded) is not an incident any more but clutter: it
 * goes to a separate clean-up list, oldest first.
 */
import { and, asc, eq, inArray, isNotNull, isNull, lt, notInArray, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { appCredentials, appRegistrations, assets, vaults } from "../db/schema";
import { effectiveCredentials } from "./effective-credentials";

/** Expired longer ago than this, a risk becomes a leftover to clean up. */
export const LEFTOVER_AFTER_DAYS = 30;
const AT_RISK = ["expired", "critical", "warning"] as const;

export interface RiskWindow {
  now: Date;
  limit: number;
}

const cutoff = (now: Date) => new Date(now.getTime() - LEFTOVER_AFTER_DAYS * 86_400_000);
const distance = (col: unknown, now: Date) =>
  sql`abs(extract(epoch from (${col} - ${now.toISOString()}::timestamptz)))`;

const objectFields = {
  id: assets.id,
  type: assets.type,
  name: assets.name,
  vaultId: assets.vaultId,
  vaultName: vaults.name,
  status: assets.status,
  expiresOn: assets.expiresOn,
};

/** Enabled live objects at risk, expired at most LEFTOVER_AFTER_DAYS ago, closest to their expiry first. */
export function riskObjects(db: DbOrTx, { now, limit }: RiskWindow) {
  return db
    .select(objectFields)
    .from(assets)
    .leftJoin(vaults, eq(vaults.id, assets.vaultId))
    .where(
      and(
        isNull(assets.removedAt),
        eq(assets.enabled, true),
        inArray(assets.status, [...AT_RISK]),
        isNotNull(assets.expiresOn),
        sql`${assets.expiresOn} >= ${cutoff(now).toISOString()}::timestamptz`,
      ),
    )
    .orderBy(distance(assets.expiresOn, now), asc(assets.id))
    .limit(limit);
}

/** Effective app credentials at risk (superseded ones never are), closest to their end first. */
export function riskCredentials(db: DbOrTx, { now, limit }: RiskWindow) {
  const e = effectiveCredentials(db, now);
  return db
    .select({
      id: e.id,
      appObjectId: e.appObjectId,
      appName: appRegistrations.displayName,
      kind: appRegistrations.kind,
      type: e.type,
      displayName: e.displayName,
      status: e.status,
      endDateTime: e.endDateTime,
    })
    .from(e)
    .innerJoin(appRegistrations, eq(appRegistrations.id, e.appObjectId))
    .where(
      and(
        isNull(appRegistrations.removedAt),
        inArray(e.status, [...AT_RISK]),
        sql`${e.endDateTime} >= ${cutoff(now).toISOString()}::timestamptz`,
      ),
    )
    .orderBy(distance(e.endDateTime, now), asc(e.id))
    .limit(limit);
}

/** Leftovers: enabled objects expired long ago, and app credentials expired long ago or superseded; oldest first. */
export async function leftovers(db: DbOrTx, { now, limit }: RiskWindow) {
  const e = effectiveCredentials(db, now);
  const old = cutoff(now).toISOString();
  const total = sql<number>`(count(*) over ())::int`;
  const [objects, credentials] = await Promise.all([
    db
      .select({ ...objectFields, total })
      .from(assets)
      .leftJoin(vaults, eq(vaults.id, assets.vaultId))
      .where(and(isNull(assets.removedAt), eq(assets.enabled, true), sql`${assets.expiresOn} < ${old}::timestamptz`))
      .orderBy(asc(assets.expiresOn), asc(assets.id))
      .limit(limit),
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
        total,
      })
      .from(appCredentials)
      .innerJoin(appRegistrations, eq(appRegistrations.id, appCredentials.appObjectId))
      .where(
        and(
          isNull(appCredentials.removedAt),
          isNull(appRegistrations.removedAt),
          lt(appCredentials.endDateTime, now),
          or(
            lt(appCredentials.endDateTime, cutoff(now)),
            notInArray(appCredentials.id, db.select({ id: e.id }).from(e)),
          ),
        ),
      )
      .orderBy(asc(appCredentials.endDateTime), asc(appCredentials.id))
      .limit(limit),
  ]);
  return { objects, credentials };
}

type Obj = Awaited<ReturnType<typeof riskObjects>>[number];
type Cred = Awaited<ReturnType<typeof riskCredentials>>[number];
export type RankedRisk =
  | ({ kind: "object"; at: Date } & Obj)
  | ({ kind: "credential"; at: Date } & Omit<Cred, "kind"> & { principal: Cred["kind"] });

const asObject = (o: Obj): RankedRisk => ({ kind: "object", at: o.expiresOn!, ...o });
const asCredential = ({ kind, ...c }: Cred): RankedRisk => ({
  kind: "credential",
  at: c.endDateTime!,
  principal: kind,
  ...c,
});

/** Objects and credentials in one list, closest to their expiry first (ties: sooner first, then by id). */
export function rankRisks(objects: Obj[], credentials: Cred[], now: Date, limit: number): RankedRisk[] {
  const t = now.getTime();
  return [...objects.map(asObject), ...credentials.map(asCredential)]
    .sort(
      (a, b) =>
        Math.abs(a.at.getTime() - t) - Math.abs(b.at.getTime() - t) ||
        a.at.getTime() - b.at.getTime() ||
        a.id.localeCompare(b.id),
    )
    .slice(0, limit);
}

function withoutTotal<T extends { total: number }>(row: T): Omit<T, "total"> {
  const copy: Partial<T> = { ...row };
  delete copy.total;
  return copy as Omit<T, "total">;
}

/** Leftovers in one list, oldest first, with how many there are in all. */
export function rankLeftovers(
  l: Awaited<ReturnType<typeof leftovers>>,
  limit: number,
): { total: number; afterDays: number; items: RankedRisk[] } {
  const total = (l.objects[0]?.total ?? 0) + (l.credentials[0]?.total ?? 0);
  const items = [
    ...l.objects.map((o) => asObject(withoutTotal(o))),
    ...l.credentials.map((c) => asCredential(withoutTotal(c))),
  ]
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id))
    .slice(0, limit);
  return { total: Number(total), afterDays: LEFTOVER_AFTER_DAYS, items };
}

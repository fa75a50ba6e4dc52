/**
 * Compliance figures for the package from what the console shows: the latest persisted evaluation (its tallies, so
 * the configured rule parameters and the approved waivers are those in force), the open findings, the score history
 * and the waivers. The on-the-fly source (compliance-source.ts) is only the fallback before the first evaluation.
 * A subscription-scoped package takes the tallies and findings of its subscriptions, plus the tenant-wide ones (app
 * registrations), as the on-the-fly source does.
 */
import { and, asc, desc, eq, gte, inArray, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import { FRAMEWORKS, ruleById, scoreOf } from "../compliance";
import type { Tally } from "../compliance/score";
import { unpackTallies } from "../compliance/tallies";
import type { DbOrTx } from "../db/client";
import { complianceFindings, complianceObjects, complianceSnapshots, complianceWaivers } from "../db/schema";
import { frameworkResult, type ComplianceResult } from "./compliance-source";
import type { EvidenceData, FindingLine, ScorePoint } from "./evidence-data";

const SEVERITY_RANK = sql`case ${complianceFindings.severity} when 'critical' then 0 when 'high' then 1
  when 'medium' then 2 else 3 end`;

function add(t: Tally, ruleId: string, n: number, p: number) {
  const e = t.get(ruleId);
  if (e) {
    e.n += n;
    e.p += p;
  } else t.set(ruleId, { n, p });
}

/** Open, unwaived failures in scope (the same rows the console's findings page lists as failing). */
function failingWhere(subs: string[]): SQL | undefined {
  return and(
    eq(complianceFindings.status, "fail"),
    isNull(complianceFindings.resolvedAt),
    isNull(complianceFindings.waiverId),
    subs.length
      ? or(isNull(complianceFindings.subscriptionId), inArray(complianceFindings.subscriptionId, subs))
      : undefined,
  );
}

/** null when nothing has been evaluated yet. */
export async function persistedCompliance(
  db: DbOrTx,
  subs: string[],
  { maxShown = 200 }: { maxShown?: number } = {},
): Promise<(ComplianceResult & { evaluatedAt: Date }) | null> {
  const [snap] = await db.select().from(complianceSnapshots).orderBy(desc(complianceSnapshots.takenAt)).limit(1);
  if (!snap) return null;
  const tenant: Tally = new Map();
  const bySub = new Map<string, Tally>();
  const byVault = new Map<string, Tally>();
  const counts = { evaluated: 0, passing: 0, failing: 0, unknown: 0 };
  const level = (m: Map<string, Tally>, k: string, ruleId: string, n: number, p: number) => {
    if (!k) return;
    let t = m.get(k);
    if (!t) m.set(k, (t = new Map()));
    add(t, ruleId, n, p);
  };
  for (const [ruleId, s, v, n, p, , u] of unpackTallies(snap.tallies)) {
    if (subs.length && s && !subs.includes(s)) continue;
    counts.unknown += u;
    if (!n) continue;
    add(tenant, ruleId, n, p);
    level(bySub, s, ruleId, n, p);
    level(byVault, v, ruleId, n, p);
    counts.evaluated += n;
    counts.passing += p;
    counts.failing += n - p;
  }
  const where = failingWhere(subs);
  const shown = await db
    .select()
    .from(complianceFindings)
    .where(where)
    .orderBy(SEVERITY_RANK, asc(complianceFindings.ruleId), asc(complianceFindings.objectName))
    .limit(maxShown);
  const bySeverity = await db
    .select({ severity: complianceFindings.severity, count: sql<number>`count(*)::int` })
    .from(complianceFindings)
    .where(where)
    .groupBy(complianceFindings.severity);
  const total = bySeverity.reduce((s, r) => s + Number(r.count), 0);
  const scored = (m: Map<string, Tally>) => new Map([...m].map(([k, t]) => [k, scoreOf(t)] as const));
  return {
    evaluatedAt: snap.takenAt,
    tenantScore: scoreOf(tenant),
    bySubscription: scored(bySub),
    byVault: scored(byVault),
    frameworks: FRAMEWORKS.map((fw) => frameworkResult(tenant, fw)),
    counts,
    failingTotal: total,
    failingShown: shown.map((f): FindingLine => ({
      severity: f.severity,
      ruleId: f.ruleId,
      rule: ruleById(f.ruleId)?.title ?? f.ruleId,
      object: f.objectName,
      scope: f.scope,
      vault: f.vaultName,
      reason: f.reason,
    })),
    bySeverity: ["critical", "high", "medium", "low"].map((s) => ({
      severity: s,
      count: Number(bySeverity.find((r) => r.severity === s)?.count ?? 0),
    })),
  };
}

/**
 * The score over the period: the last evaluation of each UTC day (a delta scan every few minutes records hundreds of
 * snapshots a day; the chart needs one point per day), scoped like the package.
 */
export async function scoreTrend(db: DbOrTx, subs: string[], period: { from: Date; to: Date }): Promise<ScorePoint[]> {
  const rows = await db
    .selectDistinctOn([sql`date_trunc('day', ${complianceSnapshots.takenAt} at time zone 'UTC')`], {
      takenAt: complianceSnapshots.takenAt,
      tenantScore: complianceSnapshots.tenantScore,
      tallies: complianceSnapshots.tallies,
    })
    .from(complianceSnapshots)
    .where(and(gte(complianceSnapshots.takenAt, period.from), lte(complianceSnapshots.takenAt, period.to)))
    .orderBy(
      sql`date_trunc('day', ${complianceSnapshots.takenAt} at time zone 'UTC')`,
      desc(complianceSnapshots.takenAt),
    );
  const points: ScorePoint[] = [];
  for (const r of rows) {
    let score = r.tenantScore;
    if (subs.length) {
      const t: Tally = new Map();
      for (const [ruleId, s, , n, p] of unpackTallies(r.tallies))
        if (n && (!s || subs.includes(s))) add(t, ruleId, n, p);
      score = scoreOf(t);
    }
    if (score !== null) points.push({ at: r.takenAt.toISOString(), score });
  }
  return points;
}

/** Waivers approved and in force at some time in the period, in scope, with who proposed and who approved them. */
export async function waiversInPeriod(
  db: DbOrTx,
  subs: string[],
  period: { from: Date; to: Date },
): Promise<NonNullable<NonNullable<EvidenceData["policy"]>["waivers"]>> {
  const rows = await db
    .select({ w: complianceWaivers, objectSub: complianceObjects.subscriptionId })
    .from(complianceWaivers)
    .leftJoin(
      complianceObjects,
      and(eq(complianceWaivers.scopeType, "object"), eq(complianceObjects.objectId, complianceWaivers.scopeId)),
    )
    .where(
      and(
        eq(complianceWaivers.status, "approved"),
        lte(complianceWaivers.decidedAt, period.to),
        gte(complianceWaivers.expiresAt, period.from),
      ),
    )
    .orderBy(asc(complianceWaivers.ruleId), asc(complianceWaivers.scopeLabel));
  const subOf = (r: (typeof rows)[number]): string | null =>
    r.w.scopeType === "subscription"
      ? r.w.scopeId.toLowerCase()
      : r.w.scopeType === "vault"
        ? (/\/subscriptions\/([^/]+)/i.exec(r.w.scopeId)?.[1]?.toLowerCase() ?? null)
        : r.w.scopeType === "object"
          ? (r.objectSub?.toLowerCase() ?? null)
          : null;
  return rows
    .filter((r) => {
      const s = subOf(r);
      return !subs.length || s === null || subs.includes(s);
    })
    .map(({ w }) => ({
      rule: ruleById(w.ruleId)?.title ?? w.ruleId,
      object: w.scopeType === "tenant" ? "whole tenant" : `${w.scopeType}: ${w.scopeLabel}`,
      proposer: `${w.proposedByName} (${w.proposedAt.toISOString().slice(0, 10)})`,
      approver: `${w.decidedByName ?? w.decidedBy ?? "?"} (${w.decidedAt?.toISOString().slice(0, 10) ?? "?"})`,
      expires: w.expiresAt.toISOString().slice(0, 10),
    }));
}

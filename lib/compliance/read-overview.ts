/**
 * The compliance overview's read model: the latest snapshot's scores at every level with names, the trend, the
 * severity breakdown, each framework's controls (from the snapshot's tallies) and the explanation of the last change.
 */
import { asc, desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { complianceObjects, complianceSnapshots, subscriptions } from "../db/schema";
import { dbOf } from "../db/transaction";
import { FRAMEWORKS } from "./frameworks";
import { frameworkControls, fromRows, unpackTallies } from "./tallies";

export const TREND_POINTS = 60;

export async function complianceTrend(ctx: Ctx, points = TREND_POINTS) {
  assertPermission(ctx, "dashboard:read");
  const db = await dbOf(ctx);
  const rows = await db
    .select({
      id: complianceSnapshots.id,
      takenAt: complianceSnapshots.takenAt,
      score: complianceSnapshots.tenantScore,
      trigger: complianceSnapshots.trigger,
      delta: complianceSnapshots.delta,
    })
    .from(complianceSnapshots)
    .orderBy(desc(complianceSnapshots.takenAt))
    .limit(points);
  return rows.reverse();
}

export const overviewInput = z.object({ framework: z.string().max(40).optional() }).strict();

export async function complianceOverview({ ctx, input }: { ctx: Ctx; input?: unknown }) {
  assertPermission(ctx, "dashboard:read");
  const { framework } = overviewInput.parse(input ?? {});
  const db = await dbOf(ctx);
  const [snap] = await db.select().from(complianceSnapshots).orderBy(desc(complianceSnapshots.takenAt)).limit(1);
  if (!snap) return null;
  const trend = await complianceTrend(ctx);
  const vaultIds = Object.keys(snap.scores.byVault);
  const vaultRows = vaultIds.length
    ? await db
        .select({ id: complianceObjects.objectId, name: complianceObjects.objectName })
        .from(complianceObjects)
        .where(inArray(complianceObjects.objectId, vaultIds))
    : [];
  const vaultName = new Map(vaultRows.map((v) => [v.id, v.name]));
  const subRows = await db
    .select({ id: subscriptions.id, name: subscriptions.displayName })
    .from(subscriptions)
    .orderBy(asc(subscriptions.displayName));
  const subName = new Map(subRows.map((s) => [s.id, s.name]));
  const byScore = (a: { score: number | null }, b: { score: number | null }) => (a.score ?? 101) - (b.score ?? 101);
  const tallies = fromRows(unpackTallies(snap.tallies));
  const fw = FRAMEWORKS.find((f) => f.id === framework) ?? FRAMEWORKS[0];
  return {
    snapshot: {
      id: snap.id,
      takenAt: snap.takenAt,
      trigger: snap.trigger,
      mode: snap.mode,
      score: snap.tenantScore,
      delta: snap.delta,
      explanations: snap.explanations,
      objectsEvaluated: snap.objectsEvaluated,
    },
    trend,
    bySubscription: Object.entries(snap.scores.bySubscription)
      .map(([id, score]) => ({ id, name: subName.get(id) ?? id, score }))
      .sort(byScore),
    byVault: Object.entries(snap.scores.byVault)
      .map(([id, score]) => ({ id, name: vaultName.get(id) ?? id.split("/").pop() ?? id, score }))
      .sort(byScore),
    bySeverity: snap.scores.bySeverity,
    frameworks: FRAMEWORKS.map((f) => ({
      id: f.id,
      name: f.name,
      version: f.version,
      score: snap.scores.byFramework[f.id] ?? null,
    })),
    framework: {
      id: fw.id,
      name: fw.name,
      version: fw.version,
      source: fw.source,
      controls: frameworkControls(tallies, fw.id),
    },
  };
}

/** One snapshot's explanation (the trend's tooltips link here). */
export async function snapshotById(ctx: Ctx, id: string) {
  assertPermission(ctx, "dashboard:read");
  const db = await dbOf(ctx);
  const [s] = await db.select().from(complianceSnapshots).where(eq(complianceSnapshots.id, id)).limit(1);
  return s ?? null;
}

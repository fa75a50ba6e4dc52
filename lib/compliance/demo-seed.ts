/**
 * `npm run demo` only (APP_ENV=demo): after the first real evaluation, a trend history and one waiver in each state,
 * so the console shows what weeks of use look like. Everything seeded is labelled: history snapshots carry the
 * trigger "demo" (the console marks them "demo history (seeded)") and the waivers' justifications start with
 * "[demo]". The proposer and decider are the local identity provider's Operator and Admin personas
 * (tests/idp/personas.ts), so signing in as the Admin lets you decide the proposed one.
 */
import { and, asc, desc, eq, isNull } from "drizzle-orm";
import { audit } from "../audit/record";
import type { Ctx } from "../context";
import { complianceFindings, complianceSnapshots, complianceWaivers } from "../db/schema";
import { withTransaction } from "../db/transaction";
import { evaluateCompliance } from "./evaluate-estate";

const OPERATOR = { oid: "1b2e8f4d-6c80-4d32-8f7b-2a1d3c4b5e02", upn: "operator@contoso.example" };
const ADMIN = { oid: "0a1d9e3c-5b7f-4c21-9e6a-1f0c2b3a4d01", upn: "admin@contoso.example" };
const DAY = 86_400_000;
const HISTORY_POINTS = 10;

export async function seedDemoCompliance(ctx: Ctx): Promise<boolean> {
  const seeded = await withTransaction(ctx, async (tx) => {
    const db = tx.db;
    const [already] = await db
      .select()
      .from(complianceSnapshots)
      .where(eq(complianceSnapshots.trigger, "demo"))
      .limit(1);
    if (already) return false;
    const [latest] = await db.select().from(complianceSnapshots).orderBy(desc(complianceSnapshots.takenAt)).limit(1);
    if (!latest || latest.tenantScore === null) return false;
    const now = latest.takenAt.getTime();
    // a plausible climb to today's score: lower weeks ago, a dip in the middle (a batch of secrets lost their expiry)
    const shape = [-14, -12.5, -11, -9, -10.5, -7, -5.5, -4, -2.5, -1];
    for (let i = 0; i < HISTORY_POINTS; i++) {
      const score = Math.max(0, Math.min(100, latest.tenantScore + shape[i]));
      const prev = i === 0 ? null : Math.max(0, Math.min(100, latest.tenantScore + shape[i - 1]));
      const at = new Date(now - (HISTORY_POINTS - i) * 3 * DAY);
      await db.insert(complianceSnapshots).values({
        trigger: "demo",
        mode: "full",
        takenAt: at,
        watermark: at,
        rulesFingerprint: latest.rulesFingerprint,
        tenantScore: score,
        scores: latest.scores,
        tallies: [],
        delta: prev === null ? null : score - prev,
        explanations: [{ points: 0, text: "Demo history: seeded by npm run demo, not measured." }],
        objectsEvaluated: 0,
        findingsChanged: 0,
        durationMs: 0,
      });
    }
    type Open = typeof complianceFindings.$inferSelect;
    // the open failures of one rule (each waiver's justification is written for its rule)
    const pick = async (rule: string, skip = 0): Promise<Open | undefined> =>
      (
        await db
          .select()
          .from(complianceFindings)
          .where(
            and(
              eq(complianceFindings.ruleId, rule),
              eq(complianceFindings.status, "fail"),
              isNull(complianceFindings.waiverId),
            ),
          )
          .orderBy(asc(complianceFindings.objectId))
          .limit(1)
          .offset(skip)
      )[0];
    const label = (f: Open) => (f.vaultName && f.scope !== "vault" ? `${f.objectName} (${f.vaultName})` : f.objectName);
    const waiver = async (
      f: Open | undefined,
      status: "proposed" | "approved" | "rejected",
      proposedDaysAgo: number,
      expiresInDays: number,
      justification: string,
      note?: string,
    ) => {
      if (!f) return;
      const [w] = await db
        .insert(complianceWaivers)
        .values({
          ruleId: f.ruleId,
          scopeType: "object",
          scopeId: f.objectId,
          scopeLabel: label(f),
          justification: `[demo] ${justification}`,
          expiresAt: new Date(now + expiresInDays * DAY),
          status,
          proposedBy: OPERATOR.oid,
          proposedByName: OPERATOR.upn,
          proposedAt: new Date(now - proposedDaysAgo * DAY),
          ...(status === "proposed"
            ? {}
            : {
                decidedBy: ADMIN.oid,
                decidedByName: ADMIN.upn,
                decidedAt: new Date(now - (proposedDaysAgo - 1) * DAY),
                decisionNote: note ?? null,
              }),
        })
        .returning();
      await audit(tx, {
        action: "compliance.waiver.seeded",
        target: { type: "waiver", id: w.id },
        details: { demo: true, status, ruleId: f.ruleId },
      });
    };
    await waiver(
      await pick("vault-rbac"),
      "approved",
      20,
      60,
      "Legacy vault used by a vendor appliance that only supports access policies; migration planned in CHG-2291.",
      "Accepted until the appliance upgrade.",
    );
    await waiver(
      await pick("secret-content-type"),
      "proposed",
      1,
      90,
      "Secrets written by a third-party operator that cannot set a content type.",
    );
    await waiver(
      await pick("vault-public-network-disabled"),
      "rejected",
      12,
      30,
      "Developers need access from home.",
      "Use the VPN or a private endpoint instead.",
    );
    await waiver(
      await pick("secret-expiration-set", 1),
      "approved",
      45,
      -3,
      "Bootstrap secret rotated by hand until the pipeline moves to workload identity.",
      "One month only.",
    );
    return true;
  });
  // the approved waiver leaves the score now, as a real approval would
  if (seeded) await evaluateCompliance({ ctx, input: { trigger: "waiver" } });
  return seeded;
}

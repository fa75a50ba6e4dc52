/**
 * The compliance alerts, raised in the evaluation's transaction: nothing on the baseline evaluation, one alert per new
 * critical/high failure and its resolve once the finding stops failing, one summary alert per rule past 20 new
 * failures, and the score alerts with each rule's own threshold (once per crossing) and drop.
 */
import { and, eq, like, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateCompliance } from "@/lib/compliance/evaluate-estate";
import { systemCtx } from "@/lib/context";
import { getDb, type Db } from "@/lib/db/client";
import { alertOutbox, alertRules, assets, complianceSnapshots, vaults } from "@/lib/db/schema";
import { adminCtx, webhookRule } from "../alerts/fixtures";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { DAY, NOW, seedInventory, V_PAY } from "../inventory/seed";

let t: TestDb;
let db: Db;
const ctx = systemCtx("test-compliance-alerts");
const at = (days: number) => new Date(NOW.getTime() + days * DAY);

beforeAll(async () => {
  t = await setupTestDb();
  db = await getDb();
  await webhookRule(
    adminCtx(),
    "Compliance",
    ["compliance.finding.new", "compliance.score.below", "compliance.score.dropped"],
    { scoreBelow: 50, scoreDrop: 3 },
  );
});
afterAll(async () => t.cleanup());

async function outbox(type: string) {
  return (await db.select().from(alertOutbox).where(like(alertOutbox.eventType, type))).map(
    (o) => (o.payload as { message: { data: Record<string, unknown> } }).message.data,
  );
}
const score = async () =>
  (
    await db
      .select()
      .from(complianceSnapshots)
      .orderBy(sql`taken_at desc`)
      .limit(1)
  )[0].tenantScore!;

describe("compliance alerts", () => {
  it("the first evaluation is the baseline — also after one of the empty inventory before the first scan", async () => {
    // the refresh job on a fresh install evaluates before any scan has finished: nothing to score
    const empty = await evaluateCompliance({ ctx, input: { trigger: "refresh" }, now: at(0) });
    expect(empty.score).toBeNull();
    await seedInventory(db);
    await evaluateCompliance({ ctx, input: { trigger: "scan" }, now: at(1) });
    expect(await db.select().from(alertOutbox)).toEqual([]);
  });

  it("a vault newly failing a high rule alerts once, naming the rule and the vault", async () => {
    await db
      .update(vaults)
      .set({ enablePurgeProtection: false, lastSeenAt: sql`now()` })
      .where(eq(vaults.id, V_PAY));
    await evaluateCompliance({ ctx, input: { trigger: "scan" }, now: at(2) });
    expect(await outbox("compliance.finding.new")).toEqual([
      expect.objectContaining({ ruleId: "vault-purge-protection", severity: "high", resourceId: V_PAY }),
    ]);
    // still failing at the next evaluation: no second alert
    await evaluateCompliance({ ctx, input: { trigger: "manual", full: true }, now: at(3) });
    expect(await outbox("compliance.finding.new")).toHaveLength(1);
  });

  it("the vault fixed: its alert resolves once, with the trigger's dedup key; failing again triggers anew", async () => {
    const rows = async () =>
      (
        await db
          .select()
          .from(alertOutbox)
          .where(like(alertOutbox.itemKey, "finding:vault-purge-protection:%"))
          .orderBy(alertOutbox.createdAt)
      ).map((r) => ({
        action: r.action,
        dedupKey: r.dedupKey,
        summary: (r.payload as { message: { summary: string } }).message.summary,
      }));
    const fix = (on: boolean) =>
      db
        .update(vaults)
        .set({ enablePurgeProtection: on, lastSeenAt: sql`now()` })
        .where(eq(vaults.id, V_PAY));
    await fix(true);
    await evaluateCompliance({ ctx, input: { trigger: "scan" }, now: at(3.2) });
    const [trigger, resolve, ...more] = await rows();
    expect(more).toEqual([]);
    expect(trigger.action).toBe("trigger");
    expect(resolve).toEqual({ action: "resolve", dedupKey: trigger.dedupKey, summary: "It passes now." });
    // nothing open any more: a full pass sends nothing
    await evaluateCompliance({ ctx, input: { trigger: "manual", full: true }, now: at(3.4) });
    expect(await rows()).toHaveLength(2);
    await fix(false);
    await evaluateCompliance({ ctx, input: { trigger: "scan" }, now: at(3.6) });
    expect((await rows()).map((r) => r.action)).toEqual(["trigger", "resolve", "trigger"]);
  });

  it("a rule scoped by tags gets the findings of tagged vaults, with the owner from the owner tag", async () => {
    const { ruleId } = await webhookRule(adminCtx(), "Payments team", ["compliance.finding.new"], {
      scope: { tags: { team: ["payments"] } },
      ownerTag: "owner",
    });
    const mine = async () =>
      (
        await db
          .select()
          .from(alertOutbox)
          .where(and(eq(alertOutbox.ruleId, ruleId), like(alertOutbox.itemKey, "finding:vault-purge-protection:%")))
          .orderBy(alertOutbox.createdAt)
      ).map((r) => ({ action: r.action, owner: (r.payload as { message: { owner?: string } }).message.owner }));
    const setVault = (protect: boolean) =>
      db
        .update(vaults)
        .set({
          enablePurgeProtection: protect,
          tags: { team: "payments", owner: "pay-team@contoso.test" },
          lastSeenAt: sql`now()`,
        })
        .where(eq(vaults.id, V_PAY));
    await setVault(true);
    await evaluateCompliance({ ctx, input: { trigger: "scan" }, now: at(3.7) });
    expect(await mine()).toEqual([]);
    await setVault(false);
    await evaluateCompliance({ ctx, input: { trigger: "scan" }, now: at(3.8) });
    expect(await mine()).toEqual([{ action: "trigger", owner: "pay-team@contoso.test" }]);
    await setVault(true);
    await evaluateCompliance({ ctx, input: { trigger: "scan" }, now: at(3.9) });
    expect((await mine()).map((r) => r.action)).toEqual(["trigger", "resolve"]);
  });

  it("past 20 new failures of one rule, one summary alert for the rule", async () => {
    const before = (await outbox("compliance.finding.new")).length;
    const many = Array.from({ length: 25 }, (_, i) => ({
      vaultId: V_PAY,
      subscriptionId: V_PAY.split("/")[2],
      type: "certificate" as const,
      name: `self-signed-${i}`,
      objectId: `https://kv-payments.vault.azure.net/certificates/self-signed-${i}`,
      status: "healthy" as const,
      expiresOn: at(300),
      detail: { issuer: "Self", policy: { issuerName: "Self", keyType: "RSA", keySize: 1024 } },
    }));
    await db.insert(assets).values(many);
    const r = await evaluateCompliance({ ctx, input: { trigger: "scan" }, now: at(4) });
    expect(r.findingsChanged).toBeGreaterThan(25);
    const added = (await outbox("compliance.finding.new")).slice(before);
    const summaries = added.filter((d) => d.resourceId === "*");
    expect(summaries.length).toBeGreaterThan(0);
    for (const s of summaries) expect(s.resourceName).toMatch(/^25 objects in 1 vault$/);
    // no rule both summarised and alerted one by one
    const summarised = new Set(summaries.map((s) => s.ruleId));
    expect(added.filter((d) => d.resourceId !== "*" && summarised.has(d.ruleId))).toEqual([]);
  });

  it("the score alerts use each rule's own threshold and drop, once per crossing", async () => {
    const dropsBefore = (await outbox("compliance.score.dropped")).length;
    const previous = await score();
    // the rule's threshold just under the current score: the drop below must cross it
    await db.update(alertRules).set({ scoreBelow: Math.floor(previous) });
    // every vault loses its protections and network controls: a large drop, below 50
    await db.update(vaults).set({
      enablePurgeProtection: false,
      enableSoftDelete: false,
      publicNetworkAccess: "Enabled",
      networkDefaultAction: "Allow",
      enableRbacAuthorization: false,
      lastSeenAt: sql`now()`,
    });
    await db.update(assets).set({ expiresOn: null, lastSeenAt: sql`now()` });
    await evaluateCompliance({ ctx, input: { trigger: "scan" }, now: at(5) });
    const now = await score();
    expect(previous - now).toBeGreaterThanOrEqual(3);
    const drops = (await outbox("compliance.score.dropped")).slice(dropsBefore);
    expect(drops).toEqual([
      expect.objectContaining({ framework: "Overall", drop: Math.round((previous - now) * 10) / 10 }),
    ]);
    expect(await outbox("compliance.score.below")).toEqual([
      expect.objectContaining({ framework: "Overall", threshold: Math.floor(previous) }),
    ]);
    // evaluating again without a change: no new score alert
    await evaluateCompliance({ ctx, input: { trigger: "manual", full: true }, now: at(5) });
    expect(await outbox("compliance.score.dropped")).toHaveLength(dropsBefore + 1);
    expect(await outbox("compliance.score.below")).toHaveLength(1);
  });
});

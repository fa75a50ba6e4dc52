/**
 * An object page's compliance: its own score from the stored digest (the formula of score.ts with the object as the
 * scope), each rule's outcome with the reason of its open finding, a vault's roll-up from the snapshot, and nothing
 * for an object never evaluated.
 */
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateCompliance } from "@/lib/compliance/evaluate-estate";
import { getObjectCompliance, objectScore } from "@/lib/compliance/object-compliance";
import { ruleById } from "@/lib/compliance/catalogue";
import { SEVERITY_WEIGHT } from "@/lib/compliance/score";
import { systemCtx } from "@/lib/context";
import { getDb, type Db } from "@/lib/db/client";
import { assets, complianceFindings, complianceSnapshots } from "@/lib/db/schema";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { NOW, noRoleCtx, seedInventory, V_PAY, viewerCtx } from "../inventory/seed";

let t: TestDb;
let db: Db;

beforeAll(async () => {
  t = await setupTestDb();
  db = await getDb();
  await seedInventory(db);
  await evaluateCompliance({ ctx: systemCtx("test"), input: { trigger: "scan" }, now: NOW });
});
afterAll(async () => t.cleanup());

const idOf = async (name: string) =>
  (await db.select({ id: assets.id }).from(assets).where(eq(assets.name, name)))[0].id;

describe("getObjectCompliance", () => {
  it("gives a secret its own score, failing rules first with the reason of their open finding", async () => {
    const id = await idOf("db-password"); // expired three days ago
    const c = await getObjectCompliance({ ctx: viewerCtx, input: { objectId: id } });
    expect(c?.scope).toBe("secret");
    const failing = c!.outcomes.filter((o) => o.status === "fail");
    expect(failing.length).toBeGreaterThan(0);
    // failures lead, and each carries the stored reason and when it began
    expect(c!.outcomes[0].status).toBe("fail");
    const rows = await db.select().from(complianceFindings).where(eq(complianceFindings.objectId, id));
    for (const f of failing) {
      const row = rows.find((r) => r.ruleId === f.ruleId && r.resolvedAt === null);
      expect(f.reason).toBe(row?.reason);
      expect(f.since?.getTime()).toBe(row?.firstSeenAt.getTime());
    }
    // the score is the formula over this object's evaluated rules, weighted by severity
    const evaluated = c!.outcomes.filter((o) => o.status === "pass" || o.status === "fail");
    const w = (ruleId: string) => SEVERITY_WEIGHT[ruleById(ruleId)!.severity];
    const expected =
      (100 * evaluated.filter((o) => o.status === "pass").reduce((s, o) => s + w(o.ruleId), 0)) /
      evaluated.reduce((s, o) => s + w(o.ruleId), 0);
    expect(c!.score).toBeCloseTo(expected, 6);
    expect(c!.score).toBeLessThan(100);
  });

  it("gives a vault its own score and its roll-up from the latest snapshot", async () => {
    const c = await getObjectCompliance({ ctx: viewerCtx, input: { objectId: V_PAY } });
    expect(c?.scope).toBe("vault");
    const [snap] = await db.select().from(complianceSnapshots);
    expect(c!.vaultScore).toBe(snap.scores.byVault[V_PAY]);
    // an unchanged object is not rewritten: it is current as of the latest evaluation, not of its row's write
    await evaluateCompliance({
      ctx: systemCtx("test"),
      input: { trigger: "manual", full: true },
      now: new Date(NOW.getTime() + 60_000),
    });
    const again = await getObjectCompliance({ ctx: viewerCtx, input: { objectId: V_PAY } });
    const [latest] = await db.select().from(complianceSnapshots).orderBy(desc(complianceSnapshots.takenAt)).limit(1);
    expect(again!.evaluatedAt.getTime()).toBe(latest.takenAt.getTime());
    expect(again!.changedAt.getTime()).toBe(c!.changedAt.getTime());
    expect(c!.vaultScore).not.toBeNull();
    expect(c!.outcomes.every((o) => ruleById(o.ruleId)?.scope === "vault")).toBe(true);
  });

  it("answers null for an object never evaluated, and refuses a user without the dashboard", async () => {
    expect(await getObjectCompliance({ ctx: viewerCtx, input: { objectId: "no-such-object" } })).toBeNull();
    await expect(getObjectCompliance({ ctx: noRoleCtx, input: { objectId: V_PAY } })).rejects.toThrow();
    await expect(getObjectCompliance({ ctx: viewerCtx, input: { objectId: "" } })).rejects.toThrow();
  });
});

describe("objectScore", () => {
  it("weighs each evaluated rule once by severity and leaves out waived, unknown and not-applicable", () => {
    const rules = ["secret-expiration-set", "secret-content-type"].map((id) => ruleById(id));
    expect(rules.every(Boolean)).toBe(true);
    const [a, b] = rules.map((r) => SEVERITY_WEIGHT[r!.severity]);
    expect(
      objectScore([
        ["secret-expiration-set", "P"],
        ["secret-content-type", "F"],
      ]),
    ).toBeCloseTo((100 * a) / (a + b), 6);
    expect(
      objectScore([
        ["secret-content-type", "W"],
        ["secret-expiration-set", "U"],
      ]),
    ).toBeNull();
    expect(
      objectScore([
        ["secret-expiration-set", "N"],
        ["secret-content-type", "P"],
      ]),
    ).toBe(100);
  });
});

/**
 * Waivers: proposal by an Operator, decision by an Admin who is not the proposer (four eyes), the waived failure
 * leaves the score but stays listed, expiry stops it by itself, and every step is audited in its transaction.
 */
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "@/lib/audit/verify";
import { evaluateCompliance } from "@/lib/compliance/evaluate-estate";
import { unpackTallies } from "@/lib/compliance/tallies";
import { decideWaiver, proposeWaiver, proposeWaivers } from "@/lib/compliance/waivers";
import { systemCtx, userActor, type Ctx } from "@/lib/context";
import { getDb, type Db } from "@/lib/db/client";
import { auditLog, complianceFindings, complianceSnapshots, complianceWaivers } from "@/lib/db/schema";
import { withTransaction } from "@/lib/db/transaction";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { DAY, NOW, seedInventory, V_WEB } from "../inventory/seed";

const at = (days: number) => new Date(NOW.getTime() + days * DAY);
const person = (name: string, role: "Viewer" | "Auditor" | "Operator" | "Admin"): Ctx => ({
  actor: userActor({ id: randomUUID(), oid: randomUUID(), upn: `${name}@contoso.example`, name }, [
    `CertifyClouds.${role}`,
  ]),
  request: { requestId: randomUUID() },
});
const operator = person("olga", "Operator");
const admin = person("ada", "Admin");
const admin2 = person("alan", "Admin");
const viewer = person("vic", "Viewer");
const auditor = person("aud", "Auditor");

let t: TestDb;
let db: Db;
beforeAll(async () => {
  t = await setupTestDb();
  db = await getDb();
  await seedInventory(db);
  await evaluateCompliance({ ctx: systemCtx("test"), input: { trigger: "scan" }, now: at(0) });
});
afterAll(async () => t.cleanup());

const purge = async () =>
  (
    await db
      .select()
      .from(complianceFindings)
      .where(and(eq(complianceFindings.ruleId, "vault-purge-protection"), eq(complianceFindings.objectId, V_WEB)))
  )[0];
const input = (extra: Record<string, unknown> = {}) => ({
  ruleId: "vault-purge-protection",
  scopeType: "vault",
  scopeId: V_WEB,
  justification: "Purge protection would block the nightly rebuild; tracked in CHG-1234.",
  expiresAt: at(30).toISOString(),
  ...extra,
});

describe("waivers", () => {
  it("lets only Operators and Admins propose, and only Admins decide", async () => {
    for (const c of [viewer, auditor])
      await expect(proposeWaiver({ ctx: c, input: input(), now: at(0) })).rejects.toMatchObject({ code: "forbidden" });
    const w = await proposeWaiver({ ctx: operator, input: input(), now: at(0) });
    await expect(
      decideWaiver({ ctx: operator, input: { waiverId: w.id, decision: "approve" }, now: at(0) }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await decideWaiver({
      ctx: admin,
      input: { waiverId: w.id, decision: "reject", note: "Fix it instead." },
      now: at(0),
    });
  });

  it("refuses an Admin deciding their own proposal (four eyes)", async () => {
    const w = await proposeWaiver({ ctx: admin, input: input(), now: at(0) });
    await expect(
      decideWaiver({ ctx: admin, input: { waiverId: w.id, decision: "approve" }, now: at(0) }),
    ).rejects.toMatchObject({ code: "forbidden" });
    const [row] = await db.select().from(complianceWaivers).where(eq(complianceWaivers.id, w.id));
    expect(row.status).toBe("proposed");
    await decideWaiver({ ctx: admin2, input: { waiverId: w.id, decision: "reject" }, now: at(0) });
  });

  it("refuses a past expiry, an unknown rule and an unknown scope", async () => {
    await expect(
      proposeWaiver({ ctx: operator, input: input({ expiresAt: at(-1).toISOString() }), now: at(0) }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    await expect(proposeWaiver({ ctx: operator, input: input({ ruleId: "nope" }), now: at(0) })).rejects.toThrow();
    await expect(
      proposeWaiver({ ctx: operator, input: input({ scopeId: "/nope" }), now: at(0) }),
    ).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("takes a waived failure out of the score at approval, keeps it listed, and lets it lapse at expiry", async () => {
    const before = await evaluateCompliance({ ctx: systemCtx("test"), input: { trigger: "manual" }, now: at(1) });
    const w = await proposeWaiver({ ctx: operator, input: input({ expiresAt: at(10).toISOString() }), now: at(1) });
    await decideWaiver({ ctx: admin, input: { waiverId: w.id, decision: "approve" }, now: at(1) });
    const f = await purge();
    expect(f).toMatchObject({ status: "fail", waiverId: w.id, resolvedAt: null });
    const during = await evaluateCompliance({ ctx: systemCtx("test"), input: { trigger: "manual" }, now: at(2) });
    expect(during.score!).toBeGreaterThan(before.score!);
    // expiry: no one acts; the refresh finds it from the stored next change
    const after = await evaluateCompliance({ ctx: systemCtx("test"), input: { trigger: "refresh" }, now: at(10) });
    expect(after.findingsChanged).toBeGreaterThan(0);
    expect((await purge()).waiverId).toBeNull();
    const tallyOf = async (snapshotId: string) =>
      unpackTallies(
        (await db.select().from(complianceSnapshots).where(eq(complianceSnapshots.id, snapshotId)))[0].tallies,
      ).find(([r, , v]) => r === "vault-purge-protection" && v === V_WEB);
    // [rule, subscription, vault, evaluated, passing, waived, unknown]
    expect((await tallyOf(during.snapshotId))?.slice(3)).toEqual([0, 0, 1, 0]);
    expect((await tallyOf(after.snapshotId))?.slice(3)).toEqual([1, 0, 0, 0]);
    const full = await evaluateCompliance({
      ctx: systemCtx("test"),
      input: { trigger: "manual", full: true },
      now: at(10),
    });
    expect(full.findingsChanged).toBe(0);
    const texts = async (snapshotId: string) =>
      (await db.select().from(complianceSnapshots).where(eq(complianceSnapshots.id, snapshotId)))[0].explanations
        .map((e) => e.text)
        .join("\n");
    const approval = (await db.select().from(complianceSnapshots).where(eq(complianceSnapshots.trigger, "waiver")))[0];
    expect(await texts(approval.id)).toMatch(/1 vault \(kv-web\) that failed “.*” was waived/);
    expect(await texts(after.snapshotId)).toMatch(/1 vault \(kv-web\) fails “.*” again: the waiver expired/);
  });

  it("proposes in bulk in one transaction, and audits every step in the step's transaction", async () => {
    const r = await proposeWaivers({
      ctx: operator,
      input: {
        items: [
          { ruleId: "vault-purge-protection", objectId: V_WEB },
          { ruleId: "vault-rbac", objectId: V_WEB },
        ],
        justification: "Legacy vault, decommissioned in Q3 (PRJ-77).",
        expiresAt: at(40).toISOString(),
      },
      now: at(11),
    });
    expect(r.proposed).toBe(2);
    // a rollback of the caller's transaction takes the decision and its audit row with it
    const auditRows = async () =>
      (await db.select().from(auditLog).where(eq(auditLog.action, "compliance.waiver.approved"))).length;
    const n = await auditRows();
    await expect(
      withTransaction(admin, async (tx) => {
        await decideWaiver({ ctx: tx, input: { waiverId: r.ids[0], decision: "approve" }, now: at(11) });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await auditRows()).toBe(n);
    const [row] = await db.select().from(complianceWaivers).where(eq(complianceWaivers.id, r.ids[0]));
    expect(row.status).toBe("proposed");
    await decideWaiver({ ctx: admin, input: { waiverId: r.ids[0], decision: "approve" }, now: at(11) });
    expect(await auditRows()).toBe(n + 1);
    await expect(
      decideWaiver({ ctx: admin2, input: { waiverId: r.ids[0], decision: "reject" }, now: at(11) }),
    ).rejects.toMatchObject({ code: "conflict" });
    const proposed = await db.select().from(auditLog).where(eq(auditLog.action, "compliance.waiver.proposed"));
    expect(proposed.length).toBeGreaterThanOrEqual(4);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });
});

/**
 * The persisted evaluation: findings keep first seen / last seen / resolved across evaluations, only candidates are
 * re-evaluated, time-driven transitions are found from the stored next change, and an incremental evaluation leaves
 * exactly the state a full one computes from the same data (checked after every step of a random walk).
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "@/lib/audit/verify";
import { evaluateCompliance } from "@/lib/compliance/evaluate-estate";
import { unpackTallies } from "@/lib/compliance/tallies";
import { systemCtx } from "@/lib/context";
import { getDb, type Db } from "@/lib/db/client";
import { assets, auditLog, complianceFindings, complianceObjects, complianceSnapshots, vaults } from "@/lib/db/schema";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { DAY, NOW, seedInventory, V_PAY, V_WEB } from "../inventory/seed";

let t: TestDb;
let db: Db;
const ctx = systemCtx("test-compliance");
const at = (days: number) => new Date(NOW.getTime() + days * DAY);

beforeAll(async () => {
  t = await setupTestDb();
  db = await getDb();
  await seedInventory(db);
});
afterAll(async () => t.cleanup());

async function finding(ruleId: string, name: string) {
  const [f] = await db
    .select()
    .from(complianceFindings)
    .where(and(eq(complianceFindings.ruleId, ruleId), eq(complianceFindings.objectName, name)));
  return f;
}

/** A scan rewrote the row (what discovery's upsert does: last_seen_at = now()). */
async function scanWrites(name: string, set: Partial<typeof assets.$inferInsert>) {
  await db
    .update(assets)
    .set({ ...set, lastSeenAt: sql`now()` })
    .where(eq(assets.name, name));
}

/** The state a full evaluation must reproduce: every finding's status and waiver, and the snapshot's tallies. */
async function state() {
  const rows = await db
    .select({
      r: complianceFindings.ruleId,
      o: complianceFindings.objectId,
      s: complianceFindings.status,
      w: complianceFindings.waiverId,
    })
    .from(complianceFindings);
  const [snap] = await db
    .select()
    .from(complianceSnapshots)
    .orderBy(sql`taken_at desc, id`)
    .limit(1);
  return {
    findings: rows.map((x) => `${x.r}|${x.o}|${x.s}|${x.w}`).sort(),
    tallies: unpackTallies(snap.tallies),
    score: snap.tenantScore,
  };
}

describe("evaluateCompliance", () => {
  it("evaluates everything the first time, persists failures with first seen, a snapshot and its audit row", async () => {
    const r = await evaluateCompliance({ ctx, input: { trigger: "scan" }, now: at(0) });
    expect(r.mode).toBe("full");
    expect(r.objectsEvaluated).toBeGreaterThan(10);
    expect(r.score).toBeGreaterThan(0);
    expect(r.score).toBeLessThan(100);
    const f = await finding("vault-purge-protection", "kv-web");
    expect(f).toMatchObject({ status: "fail", severity: "high", resolvedAt: null });
    expect(f.firstSeenAt).toEqual(at(0));
    const audits = await db.select().from(auditLog).where(eq(auditLog.action, "compliance.evaluated"));
    expect(audits).toHaveLength(1);
    expect(audits[0].targetId).toBe(r.snapshotId);
  });

  it("re-evaluates only what the scan wrote, and resolves what now passes (last seen = the previous evaluation)", async () => {
    // give every secret without expiry one (a scan saw it change)
    const open = await db
      .select()
      .from(complianceFindings)
      .where(and(eq(complianceFindings.ruleId, "secret-expiration-set"), eq(complianceFindings.status, "fail")));
    expect(open.length).toBeGreaterThan(0);
    for (const f of open) await scanWrites(f.objectName, { expiresOn: at(200) });
    const r = await evaluateCompliance({ ctx, input: { trigger: "scan" }, now: at(1) });
    expect(r.mode).toBe("incremental");
    // the vaults (always) and the rewritten secrets; not the whole inventory
    expect(r.objectsEvaluated).toBeLessThan(3 + open.length + 10);
    const f = await finding("secret-expiration-set", open[0].objectName);
    expect(f.status).toBe("pass");
    expect(f.resolvedAt).toEqual(at(1));
    expect(f.lastSeenAt).toEqual(at(0));
    expect(f.firstSeenAt).toEqual(at(0));
    const [snap] = await db.select().from(complianceSnapshots).where(eq(complianceSnapshots.id, r.snapshotId));
    expect(snap.delta).toBeGreaterThan(0);
    expect(snap.explanations.map((e) => e.text).join("\n")).toMatch(/gained an expiry date/);
  });

  it("finds time-driven transitions from the stored next change, with no scan", async () => {
    await scanWrites("api-key", { expiresOn: at(45) });
    await evaluateCompliance({ ctx, input: { trigger: "scan" }, now: at(2) });
    expect((await finding("secret-expiry-days", "api-key"))?.status ?? "pass").not.toBe("fail");
    // expiry on day 45 → exactly 30 days left on day 15 (compliant: exactly N), non-compliant 1 ms later
    const r1 = await evaluateCompliance({ ctx, input: { trigger: "refresh" }, now: at(15) });
    expect(r1.mode).toBe("incremental");
    expect((await finding("secret-expiry-days", "api-key"))?.status ?? "pass").not.toBe("fail");
    const r2 = await evaluateCompliance({ ctx, input: { trigger: "refresh" }, now: new Date(at(15).getTime() + 1) });
    const f = await finding("secret-expiry-days", "api-key");
    expect(f.status).toBe("fail");
    expect(f.firstSeenAt.getTime()).toBe(at(15).getTime() + 1);
    expect(r2.objectsEvaluated).toBeLessThan(10);
  });

  it("reopens a resolved failure with a new first seen", async () => {
    await scanWrites("api-key", { expiresOn: null });
    await evaluateCompliance({ ctx, input: { trigger: "scan" }, now: at(20) });
    const f = await finding("secret-expiration-set", "api-key");
    expect(f).toMatchObject({ status: "fail", resolvedAt: null });
    expect(f.firstSeenAt).toEqual(at(20));
  });

  it("resolves the findings of a removed object as removed", async () => {
    await db
      .update(assets)
      .set({ removedAt: sql`now()` })
      .where(eq(assets.name, "api-key"));
    await evaluateCompliance({ ctx, input: { trigger: "scan" }, now: at(21) });
    const f = await finding("secret-expiration-set", "api-key");
    expect(f).toMatchObject({ status: "removed" });
    expect(f.resolvedAt).toEqual(at(21));
  });

  it("leaves after every incremental step exactly the state a full evaluation computes (random walk)", async () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const live = await db
      .select()
      .from(assets)
      .where(sql`removed_at is null and vault_id = ${V_PAY}`);
    let day = 22;
    for (let step = 0; step < 6; step++) {
      for (const a of live)
        if (rnd() < 0.4)
          await scanWrites(a.name, {
            expiresOn: rnd() < 0.3 ? null : at(day + Math.floor(rnd() * 90) - 10),
            contentType: rnd() < 0.5 ? null : "text/plain",
          });
      day += 1 + Math.floor(rnd() * 20);
      await evaluateCompliance({ ctx, input: { trigger: "scan" }, now: at(day) });
      const incremental = await state();
      const full = await evaluateCompliance({ ctx, input: { trigger: "manual", full: true }, now: at(day) });
      expect(full.mode).toBe("full");
      expect(full.findingsChanged).toBe(0);
      expect(await state()).toEqual(incremental);
    }
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it("a full evaluation follows objects whose place changed: counts and rows move with them", async () => {
    // the full pass compares most objects with their stored digest only; one whose subscription changed must not be
    // taken for unchanged (its letters would stay counted under the old subscription)
    const moved = "sub-moved-by-test";
    // each evaluation its own instant: state() reads the latest snapshot, and equal instants would tie
    const minute = (k: number) => new Date(at(190).getTime() + k * 60_000);
    const [{ old }] = await db.select({ old: vaults.subscriptionId }).from(vaults).where(eq(vaults.id, V_PAY));
    await db.update(vaults).set({ subscriptionId: moved }).where(eq(vaults.id, V_PAY));
    await db.update(assets).set({ subscriptionId: moved }).where(eq(assets.vaultId, V_PAY));
    const r = await evaluateCompliance({ ctx, input: { trigger: "manual", full: true }, now: minute(1) });
    expect(r.mode).toBe("full");
    const places = await db
      .select({ s: complianceObjects.subscriptionId })
      .from(complianceObjects)
      .where(eq(complianceObjects.vaultId, V_PAY));
    expect(places.length).toBeGreaterThan(1);
    expect(new Set(places.map((p) => p.s))).toEqual(new Set([moved]));
    const { tallies } = await state();
    const counted = (sub: string) =>
      tallies.filter(([, s, v]) => s === sub && v === V_PAY).reduce((n, [, , , e, , w, u]) => n + e + w + u, 0);
    expect(counted(old)).toBe(0);
    expect(counted(moved)).toBeGreaterThan(0);
    const open = await db
      .select({ s: complianceFindings.subscriptionId })
      .from(complianceFindings)
      .where(and(eq(complianceFindings.vaultId, V_PAY), sql`resolved_at is null`));
    expect(open.length).toBeGreaterThan(0);
    expect(new Set(open.map((f) => f.s))).toEqual(new Set([moved]));
    // and back: the same again, and a second full pass changes nothing
    await db.update(vaults).set({ subscriptionId: old }).where(eq(vaults.id, V_PAY));
    await db.update(assets).set({ subscriptionId: old }).where(eq(assets.vaultId, V_PAY));
    await evaluateCompliance({ ctx, input: { trigger: "manual", full: true }, now: minute(2) });
    const before = await state();
    expect(
      (await evaluateCompliance({ ctx, input: { trigger: "manual", full: true }, now: minute(3) })).findingsChanged,
    ).toBe(0);
    expect(await state()).toEqual(before);
  });

  it("a full evaluation resolves what left the inventory since — removed objects and a removed vault's assets", async () => {
    const [gone] = await db
      .select()
      .from(assets)
      .where(sql`removed_at is null and vault_id = ${V_PAY}`)
      .limit(1);
    const inWeb = await db
      .select()
      .from(assets)
      .where(sql`removed_at is null and vault_id = ${V_WEB}`);
    expect(inWeb.length).toBeGreaterThan(0);
    await db
      .update(assets)
      .set({ removedAt: sql`now()` })
      .where(eq(assets.id, gone.id));
    await db
      .update(vaults)
      .set({ removedAt: sql`now()` })
      .where(eq(vaults.id, V_WEB));
    const r = await evaluateCompliance({ ctx, input: { trigger: "manual", full: true }, now: at(200) });
    expect(r.mode).toBe("full");
    const leftIds = [gone.id, V_WEB, ...inWeb.map((a) => a.id)];
    const stored = await db.select().from(complianceObjects).where(inArray(complianceObjects.objectId, leftIds));
    expect(stored).toEqual([]);
    const open = await db
      .select()
      .from(complianceFindings)
      .where(and(inArray(complianceFindings.objectId, leftIds), sql`resolved_at is null`));
    expect(open).toEqual([]);
    const removed = await db
      .select()
      .from(complianceFindings)
      .where(and(inArray(complianceFindings.objectId, leftIds), eq(complianceFindings.status, "removed")));
    expect(removed.length).toBeGreaterThan(0);
    // and what stays is what a second full evaluation computes
    const before = await state();
    const again = await evaluateCompliance({ ctx, input: { trigger: "manual", full: true }, now: at(200) });
    expect(again.findingsChanged).toBe(0);
    expect(await state()).toEqual(before);
  });
});

import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit } from "@/lib/audit/record";
import { verifyAuditChain } from "@/lib/audit/verify";
import type { Ctx } from "@/lib/context";
import { getDb } from "@/lib/db/client";
import { auditLog } from "@/lib/db/schema";
import { withTransaction } from "@/lib/db/transaction";
import { setupTestDb, type TestDb } from "../helpers/test-db";

const ctx: Ctx = {
  actor: {
    type: "user",
    userId: "u1",
    oid: "oid-1",
    upn: "ana@contoso.example",
    name: "Ana",
    roles: ["CertifyClouds.Admin"],
  },
  request: { ip: "203.0.113.5", userAgent: "vitest", requestId: "req-00000001" },
};

let t: TestDb;
beforeAll(async () => {
  t = await setupTestDb();
});
afterAll(async () => t.cleanup());

describe("audit log", () => {
  it("chains rows, redacts sensitive details and verifies", async () => {
    const db = await getDb();
    await audit(
      { ...ctx, db },
      {
        action: "settings.updated",
        target: { type: "setting", id: "scan.cron" },
        details: { old: "0 * * * *", new: "*/30 * * * *", clientSecret: "CCCANARY-should-not-appear" },
      },
    );
    await audit({ ...ctx, db }, { action: "auth.signout" });
    const rows = await db.select().from(auditLog).orderBy(auditLog.seq);
    expect(rows.map((r) => r.seq)).toEqual([1, 2]);
    expect(rows[1].prevHash).toBe(rows[0].hash);
    expect(JSON.stringify(rows)).not.toContain("CCCANARY");
    expect((rows[0].details as Record<string, unknown>).clientSecret).toBe("[redacted]");
    expect(rows[0].ip).toBe("203.0.113.5");
    const v = await verifyAuditChain(db);
    expect(v).toMatchObject({ ok: true, rowsChecked: 2 });
  });

  it("commits and rolls back with the change it describes", async () => {
    const db = await getDb();
    const before = (await verifyAuditChain(db)).rowsChecked;
    await expect(
      withTransaction({ ...ctx, db }, async (tx) => {
        await audit(tx, { action: "test.rolled-back" });
        throw new Error("change failed");
      }),
    ).rejects.toThrow("change failed");
    const after = await verifyAuditChain(db);
    expect(after.ok).toBe(true);
    expect(after.rowsChecked).toBe(before);
  });

  it("rejects UPDATE, DELETE and TRUNCATE through the trigger", async () => {
    const db = await getDb();
    for (const stmt of [
      sql`update audit_log set action = 'x' where seq = 1`,
      sql`delete from audit_log where seq = 1`,
      sql`truncate audit_log`,
    ]) {
      const err = await db.execute(stmt).then(
        () => null,
        (e: Error & { cause?: Error }) => e,
      );
      expect(err).not.toBeNull();
      expect(err!.cause?.message ?? err!.message).toMatch(/append-only/);
    }
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it("keeps one unbroken chain under 20 concurrent writers", async () => {
    const db = await getDb();
    const before = (await verifyAuditChain(db)).rowsChecked;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        withTransaction({ ...ctx, request: { ...ctx.request, requestId: `req-concurrent-${i}` } }, async (tx) => {
          await audit(tx, { action: "test.concurrent", details: { i } });
        }),
      ),
    );
    const v = await verifyAuditChain(db);
    expect(v.ok).toBe(true);
    expect(v.rowsChecked).toBe(before + 20);
    const res = (await db.execute(sql`select count(distinct prev_hash)::int as n from audit_log`)) as unknown as {
      rows: { n: number }[];
    };
    const [{ n }] = res.rows;
    expect(n).toBe(before + 20);
  });

  it("detects a deleted row in the middle of the chain", async () => {
    const db = await getDb();
    await db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_log disable trigger audit_log_no_update_delete`);
      await tx.execute(sql`delete from audit_log where seq = 5`);
      await tx.execute(sql`alter table audit_log enable trigger audit_log_no_update_delete`);
    });
    const v = await verifyAuditChain(db);
    expect(v.ok).toBe(false);
    expect(v.firstBad).toEqual({ seq: 5, reason: expect.stringMatching(/missing/) });
  });
  it("detects a tampered row (trigger bypassed as superuser) and names it", async () => {
    const db = await getDb();
    await db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_log disable trigger audit_log_no_update_delete`);
      await tx.execute(sql`update audit_log set details = '{"old":"tampered"}'::jsonb where seq = 2`);
      await tx.execute(sql`alter table audit_log enable trigger audit_log_no_update_delete`);
    });
    const v = await verifyAuditChain(db);
    expect(v.ok).toBe(false);
    expect(v.firstBad?.seq).toBe(2);
    expect(v.firstBad?.reason).toMatch(/altered/);
  });
});

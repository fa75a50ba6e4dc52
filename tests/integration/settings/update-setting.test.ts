import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "@/lib/audit/verify";
import { userActor, type Ctx } from "@/lib/context";
import { getDb } from "@/lib/db/client";
import { auditLog } from "@/lib/db/schema";
import { withTransaction } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors";
import { readConsoleSettings, updateSetting } from "@/lib/settings/store";
import { setupTestDb, type TestDb } from "../../helpers/test-db";

const person = { id: "u-admin", oid: "oid-admin", upn: "admin@contoso.example", name: "Admin" };
const admin: Ctx = { actor: userActor(person, ["CertifyClouds.Admin"]), request: { requestId: "req-settings" } };
const viewer: Ctx = {
  actor: userActor({ ...person, id: "u-viewer", upn: "viewer@contoso.example" }, ["CertifyClouds.Viewer"]),
  request: { requestId: "req-viewer" },
};

let t: TestDb;
beforeAll(async () => {
  t = await setupTestDb();
});
afterAll(async () => t.cleanup());

describe("updateSetting", () => {
  it("merges a form's fields onto the stored value inside the audited transaction (no lost update)", async () => {
    const perSubscription = { "00000000-0000-0000-0000-000000000001": { warningDays: 60, criticalDays: 14 } };
    // Two editors at once: one changes the per-subscription overrides, the other the global days.
    await Promise.all([
      updateSetting({ ctx: admin, input: { key: "expiry.thresholds", value: { perSubscription }, merge: true } }),
      updateSetting({
        ctx: admin,
        input: { key: "expiry.thresholds", value: { warningDays: 45, criticalDays: 10 }, merge: true },
      }),
    ]);
    const th = (await readConsoleSettings(viewer))["expiry.thresholds"];
    expect(th).toEqual({ warningDays: 45, criticalDays: 10, perSubscription });
    const rows = await (
      await getDb()
    )
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "settings.updated"), eq(auditLog.targetId, "expiry.thresholds")));
    expect(rows).toHaveLength(2);
    expect((await verifyAuditChain(await getDb())).ok).toBe(true);
  });

  it("validates the merged value, and writes nothing when it is invalid", async () => {
    const before = (await readConsoleSettings(viewer))["expiry.thresholds"];
    await expect(
      updateSetting({ ctx: admin, input: { key: "expiry.thresholds", value: { criticalDays: 90 }, merge: true } }),
    ).rejects.toThrow();
    expect((await readConsoleSettings(viewer))["expiry.thresholds"]).toEqual(before);
  });

  it("joins the caller's transaction: a rollback there undoes the setting and its audit row", async () => {
    const before = (await readConsoleSettings(viewer))["scan.schedule"];
    const auditBefore = (await verifyAuditChain(await getDb())).rowsChecked;
    await expect(
      withTransaction(admin, async (tx) => {
        await updateSetting({
          ctx: tx,
          input: { key: "scan.schedule", value: { ...before, cron: "15 3 * * *" } },
        });
        throw new Error("caller fails after the write");
      }),
    ).rejects.toThrow("caller fails");
    expect((await readConsoleSettings(viewer))["scan.schedule"]).toEqual(before);
    expect((await verifyAuditChain(await getDb())).rowsChecked).toBe(auditBefore);
  });

  it("refuses a schedule that fires every second, whatever the caller (form, API, script)", async () => {
    await expect(
      updateSetting({
        ctx: admin,
        input: { key: "scan.schedule", value: { enabled: true, cron: "* * * * * *", timezone: "UTC", mode: "delta" } },
      }),
    ).rejects.toSatisfy((e) => e instanceof AppError && e.code === "invalid_input" && /five fields/.test(e.message));
  });

  it("refuses a Viewer (the verb checks its own permission)", async () => {
    await expect(
      updateSetting({ ctx: viewer, input: { key: "expiry.thresholds", value: { warningDays: 20 }, merge: true } }),
    ).rejects.toSatisfy((e) => e instanceof AppError && e.code === "forbidden");
  });
});

// Delivery history retention: finished rows older than the setting go, unfinished rows of any age stay, and a run
// that deletes leaves one audit row (in its transaction, so the chain still verifies).
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createChannel } from "@/lib/alerts";
import { pruneDeliveryHistory } from "@/lib/alerts/retention";
import { verifyAuditChain } from "@/lib/audit/verify";
import { systemCtx } from "@/lib/context";
import { getDb } from "@/lib/db/client";
import { alertOutbox, auditLog, type DeliveryStatus } from "@/lib/db/schema";
import { updateSetting } from "@/lib/settings/store";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { adminCtx } from "./fixtures";

let testDb: TestDb;
const NOW = new Date("2026-12-01T12:00:00Z");
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

beforeAll(async () => {
  testDb = await setupTestDb();
});
afterAll(async () => testDb?.cleanup());

describe("alert history retention", () => {
  test("deletes finished rows past the retention, keeps the rest, audits the run", async () => {
    const db = await getDb();
    const hook = await createChannel({
      ctx: adminCtx(),
      input: { name: "hook", kind: "webhook", secrets: { url: "https://hooks.example.test/r" } },
    });
    await updateSetting({ ctx: adminCtx(), input: { key: "alerts.history", value: { days: 30 } } });
    const row = (key: string, status: DeliveryStatus, age: number) => ({
      channelId: hook.id,
      eventType: "secret.expiring",
      action: "trigger" as const,
      itemKey: key,
      dedupKey: key,
      payload: {},
      status,
      createdAt: daysAgo(age),
    });
    await db
      .insert(alertOutbox)
      .values([
        row("old-delivered", "delivered", 45),
        row("old-failed", "failed", 31),
        row("old-digested", "digested", 90),
        row("old-pending", "pending", 60),
        row("old-held", "held", 60),
        row("new-delivered", "delivered", 10),
      ]);
    const r = await pruneDeliveryHistory(systemCtx("alert-history-retention"), NOW);
    expect(r.deleted).toBe(3);
    const left = (await db.select({ k: alertOutbox.itemKey }).from(alertOutbox)).map((x) => x.k).sort();
    expect(left).toEqual(["new-delivered", "old-held", "old-pending"]);
    const [a] = await db.select().from(auditLog).where(eq(auditLog.action, "alerts.history.pruned"));
    expect(a.details).toMatchObject({ deleted: 3, retentionDays: 30 });
    // nothing more to delete: no second audit row
    expect((await pruneDeliveryHistory(systemCtx("alert-history-retention"), NOW)).deleted).toBe(0);
    expect(await db.select().from(auditLog).where(eq(auditLog.action, "alerts.history.pruned"))).toHaveLength(1);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });
});

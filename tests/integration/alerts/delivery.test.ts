// The outbox and the delivery job: retries with backoff against a failing receiver, a worker that dies holding a lease
// (delivered once after the lease lapses), events raised by another module through the registry, and digests on a cron
// schedule across both DST changes.
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createChannel, createRule, deliverDue, deliveryHistory, emitAlert, runDueDigests } from "@/lib/alerts";
import { systemCtx, type Ctx } from "@/lib/context";
import { getDb } from "@/lib/db/client";
import { alertOutbox, alertRules } from "@/lib/db/schema";
import { withTransaction } from "@/lib/db/transaction";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { adminCtx } from "./fixtures";
import { startHttpReceiver, type HttpReceiver } from "./receivers";

let testDb: TestDb;
let rx: HttpReceiver;
let channelId: string;
const job = (): Ctx => systemCtx("alert-delivery");
beforeAll(async () => {
  testDb = await setupTestDb({ ALERTS_OUTBOUND_ALLOW: "127.0.0.1/32" });
  await getDb();
  rx = await startHttpReceiver();
  channelId = (
    await createChannel({ ctx: adminCtx(), input: { name: "hook", kind: "webhook", secrets: { url: `${rx.url}/d` } } })
  ).id;
});
afterAll(async () => {
  await rx?.close();
  await testDb?.cleanup();
});

const event = (n: number, type = "rotation.failed") => ({
  type,
  itemKey: `rotation:${n}`,
  title: `Rotation of db-password-${n} failed`,
  summary: "The new version could not be written.",
  vaultName: "kv-prod-1",
  data: { rotationId: `rot-${n}`, assetName: `db-password-${n}`, vault: "kv-prod-1", error: "403 from the vault" },
});

async function emit(n: number, now: Date, type?: string) {
  return withTransaction(systemCtx("rotation"), (tx) => emitAlert(tx, event(n, type), now));
}

async function rowsOf(itemKey: string) {
  const db = await getDb();
  return db.select().from(alertOutbox).where(eq(alertOutbox.itemKey, itemKey));
}

describe("an event raised by another module", () => {
  test("is matched by type and scope, validated against its registered payload, and written in the caller's transaction", async () => {
    await createRule({
      ctx: adminCtx(),
      input: {
        name: "Rotation",
        types: ["rotation.failed"],
        channelIds: [channelId],
        scope: { vaults: ["kv-prod-1"] },
      },
    });
    const t0 = new Date();
    expect(await emit(1, t0)).toBe(1);
    // out of scope: another vault
    expect(
      await withTransaction(systemCtx("rotation"), (tx) => emitAlert(tx, { ...event(2), vaultName: "kv-other" }, t0)),
    ).toBe(0);
    // a field the type does not declare never leaves
    await expect(
      withTransaction(systemCtx("rotation"), (tx) =>
        emitAlert(tx, { ...event(3), data: { ...event(3).data, secretValue: "hunter2" } }, t0),
      ),
    ).rejects.toThrow();
    // rolled back with the caller's transaction
    await expect(
      withTransaction(systemCtx("rotation"), async (tx) => {
        await emitAlert(tx, event(4), t0);
        throw new Error("the rotation step failed to commit");
      }),
    ).rejects.toThrow();
    expect(await rowsOf("rotation:4")).toEqual([]);
    const c = await deliverDue(job(), { now: t0 });
    expect(c.delivered).toBe(1);
  });
});

describe("retries", () => {
  test("back off exponentially, then deliver; the history shows attempts and the response code", async () => {
    const t0 = new Date(Date.now() + 60_000);
    await emit(10, t0);
    const first = rx.requests.length;
    rx.respond((n) => (n - first <= 2 ? 503 : 200), '{"error":"busy"}');
    try {
      const opts = { backoffMs: 1000 };
      expect(await deliverDue(job(), { ...opts, now: t0 })).toEqual({ delivered: 0, retried: 1, failed: 0 });
      let [row] = await rowsOf("rotation:10");
      expect(row).toMatchObject({
        status: "pending",
        attempts: 1,
        responseCode: 503,
        error: 'HTTP 503: {"error":"busy"}',
      });
      expect(row.nextAttemptAt!.getTime()).toBe(t0.getTime() + 1000);
      expect(await deliverDue(job(), { ...opts, now: new Date(t0.getTime() + 999) })).toEqual({
        delivered: 0,
        retried: 0,
        failed: 0,
      });
      expect(await deliverDue(job(), { ...opts, now: new Date(t0.getTime() + 1000) })).toEqual({
        delivered: 0,
        retried: 1,
        failed: 0,
      });
      [row] = await rowsOf("rotation:10");
      expect(row.nextAttemptAt!.getTime()).toBe(t0.getTime() + 1000 + 2000);
      expect(await deliverDue(job(), { ...opts, now: new Date(t0.getTime() + 3000) })).toEqual({
        delivered: 1,
        retried: 0,
        failed: 0,
      });
      [row] = await rowsOf("rotation:10");
      expect(row).toMatchObject({ status: "delivered", attempts: 3, responseCode: 200, error: null });
      const ids = rx.requests.slice(first).map((r) => r.headers["webhook-id"]);
      expect(ids).toEqual([row.id, row.id, row.id]);
    } finally {
      rx.respond(202, '{"status":"success"}');
    }
  });

  test("give up after the last attempt, and at once on a permanent refusal", async () => {
    const t0 = new Date(Date.now() + 120_000);
    await emit(11, t0);
    rx.respond(500, "boom");
    try {
      for (let i = 0; i < 3; i++)
        await deliverDue(job(), { now: new Date(t0.getTime() + i * 10_000), backoffMs: 1, maxAttempts: 3 });
      expect((await rowsOf("rotation:11"))[0]).toMatchObject({
        status: "failed",
        attempts: 3,
        responseCode: 500,
        nextAttemptAt: null,
      });
      await emit(12, t0);
      rx.respond(410, "gone");
      await deliverDue(job(), { now: new Date(t0.getTime() + 60_000) });
      expect((await rowsOf("rotation:12"))[0]).toMatchObject({ status: "failed", attempts: 1, responseCode: 410 });
      const h = await deliveryHistory({ ctx: adminCtx(), input: { status: "failed" } });
      expect(h.rows.map((r) => r.responseCode).sort()).toEqual([410, 500]);
    } finally {
      rx.respond(202, '{"status":"success"}');
    }
  });
});

describe("a worker that dies between the outbox write and the delivery", () => {
  test("leaves its row to the next worker once the lease lapses: delivered exactly once", async () => {
    const t0 = new Date(Date.now() + 600_000);
    await emit(20, t0);
    const [row] = await rowsOf("rotation:20");
    // What the dead worker's claim left behind (the claim's own UPDATE), and nothing after it.
    const db = await getDb();
    await db.execute(
      sql`update alert_outbox set status = 'sending', lease_owner = 'dead-worker', lease_until = ${new Date(t0.getTime() + 120_000).toISOString()} where id = ${row.id}`,
    );
    const before = rx.requests.length;
    expect(await deliverDue(job(), { now: new Date(t0.getTime() + 60_000), worker: "restarted" })).toEqual({
      delivered: 0,
      retried: 0,
      failed: 0,
    });
    expect(await deliverDue(job(), { now: new Date(t0.getTime() + 120_001), worker: "restarted" })).toEqual({
      delivered: 1,
      retried: 0,
      failed: 0,
    });
    expect(await deliverDue(job(), { now: new Date(t0.getTime() + 999_999), worker: "restarted" })).toEqual({
      delivered: 0,
      retried: 0,
      failed: 0,
    });
    const got = rx.requests.slice(before);
    expect(got.map((r) => r.headers["webhook-id"])).toEqual([row.id]);
    // the dead worker, were it to come back, could not settle the row: its lease is gone
    const [after] = await rowsOf("rotation:20");
    expect(after).toMatchObject({ status: "delivered", attempts: 1, leaseOwner: null });
  });

  test("two workers claiming at once never take the same row", async () => {
    const t0 = new Date(Date.now() + 900_000);
    for (let n = 30; n < 40; n++) await emit(n, t0);
    const before = rx.requests.length;
    const [a, b] = await Promise.all([
      deliverDue(job(), { now: t0, worker: "a", batch: 6 }),
      deliverDue(job(), { now: t0, worker: "b", batch: 6 }),
    ]);
    expect(a.delivered + b.delivered).toBe(10);
    const ids = rx.requests.slice(before).map((r) => r.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(10);
  });
});

describe("digests", () => {
  test("gather held rows at the cron time in the rule's time zone, across both DST changes", async () => {
    const ctx = adminCtx();
    const rule = await createRule({
      ctx,
      now: new Date("2026-03-27T12:00:00Z"),
      input: {
        name: "Morning digest",
        types: ["rotation.held"],
        channelIds: [channelId],
        mode: "digest",
        digestCron: "0 8 * * *",
        digestTimezone: "Europe/Paris",
      },
    });
    expect(rule.nextDigestAt!.toISOString()).toBe("2026-03-28T07:00:00.000Z"); // 08:00 CET
    const db = await getDb();
    const next = async () =>
      (await db.select().from(alertRules).where(eq(alertRules.id, rule.id)))[0].nextDigestAt!.toISOString();
    const emitHeld = (n: number, at: string) => emit(n, new Date(at), "rotation.held");
    await emitHeld(50, "2026-03-27T13:00:00Z");
    await emitHeld(51, "2026-03-28T05:00:00Z");
    expect((await rowsOf("rotation:50"))[0].status).toBe("held");
    expect(await deliverDue(job(), { now: new Date("2026-03-28T06:00:00Z") })).toMatchObject({ delivered: 0 });
    expect(await runDueDigests(job(), new Date("2026-03-28T06:59:59Z"))).toBe(0);
    expect(await runDueDigests(job(), new Date("2026-03-28T07:00:00Z"))).toBe(1);
    expect(await next()).toBe("2026-03-29T06:00:00.000Z"); // 08:00 CEST, the day clocks went forward
    const [held] = await rowsOf("rotation:50");
    expect(held.status).toBe("digested");
    const before = rx.requests.length;
    await deliverDue(job(), { now: new Date("2026-03-28T07:00:05Z") });
    const sent = rx.requests.slice(before);
    expect(sent.length).toBe(1);
    const body = JSON.parse(sent[0].body);
    expect(body.type).toBe("alert.digest");
    expect(body.data.messages.map((m: { itemKey: string }) => m.itemKey)).toEqual(["rotation:50", "rotation:51"]);

    await emitHeld(52, "2026-03-28T20:00:00Z");
    expect(await runDueDigests(job(), new Date("2026-03-29T05:59:59Z"))).toBe(0);
    expect(await runDueDigests(job(), new Date("2026-03-29T06:00:00Z"))).toBe(1);
    expect(await next()).toBe("2026-03-30T06:00:00.000Z");
    // nothing held: the schedule moves on and nothing is sent
    expect(await runDueDigests(job(), new Date("2026-03-30T06:00:00Z"))).toBe(0);
    expect(await next()).toBe("2026-03-31T06:00:00.000Z");

    // autumn: back to CET on 25 October
    await db
      .update(alertRules)
      .set({ nextDigestAt: new Date("2026-10-24T06:00:00Z") })
      .where(eq(alertRules.id, rule.id));
    await emitHeld(53, "2026-10-24T05:00:00Z");
    expect(await runDueDigests(job(), new Date("2026-10-24T06:00:00Z"))).toBe(1);
    expect(await next()).toBe("2026-10-25T07:00:00.000Z");
  });
});

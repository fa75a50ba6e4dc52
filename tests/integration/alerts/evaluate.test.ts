// Rules evaluated as scans finish, against the tiny estate in the local cloud: outbox rows written with the scan's end,
// once per threshold crossing (30 → 14 → 7 → expired), nothing for a scan that changed nothing, a resolve when an item
// goes away, owner routing, and no secret value anywhere in what is sent.
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createChannel, createRule, deliverDue, previewRule } from "@/lib/alerts";
import { evaluateRules } from "@/lib/alerts/evaluate";
import { systemCtx } from "@/lib/context";
import { getDb } from "@/lib/db/client";
import { alertOutbox, alertState, assets, type AlertOutboxRow } from "@/lib/db/schema";
import { DAY_MS } from "@/lib/expiry-status";
import { runScan, setupDiscovery, type Env } from "../discovery/helpers";
import { adminCtx } from "./fixtures";
import { startHttpReceiver, startSmtp, type HttpReceiver, type SmtpReceiver } from "./receivers";

let env: Env;
let rx: HttpReceiver;
let smtp: SmtpReceiver;
let ruleId: string;
let emailRuleId: string;
beforeAll(async () => {
  env = await setupDiscovery({ estate: "tiny" }, { ALERTS_OUTBOUND_ALLOW: "127.0.0.1/32", LOG_LEVEL: "silent" });
  rx = await startHttpReceiver();
  smtp = await startSmtp();
});
afterAll(async () => {
  await rx?.close();
  await smtp?.close();
  await env?.stop();
});

const TYPES = [
  "secret.expiring",
  "secret.expired",
  "certificate.expiring",
  "certificate.expired",
  "key.expiring",
  "key.expired",
  "app-credential.expiring",
  "app-credential.expired",
  "vault.unreadable",
  "scan.failed",
];

async function outbox(): Promise<AlertOutboxRow[]> {
  const db = await getDb();
  return db.select().from(alertOutbox).orderBy(alertOutbox.createdAt);
}

const msg = (r: AlertOutboxRow) =>
  (r.payload as { message: { title: string; type: string; action: string; data: Record<string, unknown> } }).message;

async function evaluateAt(now: Date) {
  const db = await getDb();
  const scan = {
    id: "00000000-0000-4000-8000-000000000000",
    mode: "delta" as const,
    status: "completed" as const,
    error: null,
  };
  return db.transaction((tx) => evaluateRules(tx, { scan, now }));
}

describe("alerts after scans", () => {
  test("the first scan writes one outbox row per item at a level, as the preview said", async () => {
    const ctx = adminCtx();
    const hook = await createChannel({
      ctx,
      input: { name: "hook", kind: "webhook", secrets: { url: `${rx.url}/h` } },
    });
    const mail = await createChannel({
      ctx,
      input: {
        name: "mail",
        kind: "email",
        config: {
          host: "127.0.0.1",
          port: smtp.port,
          security: "none",
          from: "cc@contoso.test",
          to: ["ops@contoso.test"],
        },
      },
    });
    const rule = {
      name: "All expiry",
      types: TYPES,
      thresholds: [30, 14, 7],
      channelIds: [hook.id],
      ownerTag: "owner",
    };
    ruleId = (await createRule({ ctx, input: rule })).id;
    const emailRule = {
      name: "Secrets to owners",
      types: ["secret.expiring", "secret.expired"],
      channelIds: [mail.id],
      ownerTag: "owner",
      fallbackRecipients: ["fallback@contoso.test"],
    };
    emailRuleId = (await createRule({ ctx, input: emailRule })).id;
    const run = await runScan({ mode: "full" });
    expect(run.status).toBe("completed_with_errors");
    const preview = await previewRule({ ctx, input: rule });
    const emailPreview = await previewRule({ ctx, input: emailRule });
    expect(preview.total).toBeGreaterThan(3);
    const rows = await outbox();
    const hookRows = rows.filter((r) => r.ruleId === ruleId);
    expect(hookRows.length).toBe(preview.total);
    expect(hookRows.every((r) => r.createdAt.getTime() <= run.finishedAt!.getTime() + 1000)).toBe(true);
    expect(new Set(hookRows.map((r) => msg(r).type))).toContain("vault.unreadable");
    expect(hookRows.map((r) => r.itemKey).sort()).toEqual(preview.items.map((i) => i.itemKey).sort());

    // owner routing: the owner tag when it is an address, else the rule's fallback
    const mailRows = rows.filter((r) => r.ruleId === emailRuleId);
    expect(mailRows.length).toBe(emailPreview.total);
    for (const r of mailRows) {
      const item = emailPreview.items.find((i) => i.itemKey === r.itemKey)!;
      expect(r.recipient).toBe(item.owner?.includes("@") ? item.owner : "fallback@contoso.test");
    }
  });

  test("the delivery job sends each row once", async () => {
    const total = (await outbox()).length;
    const c = await deliverDue(systemCtx("alert-delivery"), { batch: 500 });
    expect(c).toEqual({ delivered: total, retried: 0, failed: 0 });
    expect(await deliverDue(systemCtx("alert-delivery"))).toEqual({ delivered: 0, retried: 0, failed: 0 });
    const mailCount = (await outbox()).filter((r) => r.ruleId === emailRuleId).length;
    expect(rx.requests.length).toBe(total - mailCount);
    expect(smtp.mails.length).toBe(mailCount);
    expect(new Set(rx.requests.map((r) => r.headers["webhook-id"])).size).toBe(rx.requests.length);
  });

  test("a delta scan that changes nothing writes nothing", async () => {
    const before = (await outbox()).length;
    const run = await runScan({ mode: "delta" });
    expect(run.status).toBe("completed_with_errors");
    expect((await outbox()).length).toBe(before);
  });

  test("an item that goes away is resolved (webhook), and its state dropped", async () => {
    const db = await getDb();
    const states = await db.select().from(alertState).where(eq(alertState.ruleId, ruleId));
    // not one at the 30-day level: the crossing test below follows one of those
    const st = states.find((s) => s.itemKey.startsWith("asset:") && s.level !== "30")!;
    const [asset] = await db
      .select()
      .from(assets)
      .where(eq(assets.id, st.itemKey.slice(6)));
    const vault = String(msg({ payload: { message: st.message } } as unknown as AlertOutboxRow).data.vault);
    env.cloud.control.deleteObject(vault, `${asset.type}s` as "secrets", asset.name, { purge: true });
    await runScan({ mode: "delta" });
    const resolves = (await outbox()).filter((r) => r.action === "resolve");
    expect(resolves.map((r) => [r.itemKey, r.dedupKey])).toEqual([
      [st.itemKey, `certifyclouds:${ruleId}:${st.itemKey}`],
    ]);
    expect((await db.select().from(alertState).where(eq(alertState.itemKey, st.itemKey))).length).toBe(0);
  });

  test("an item alerts once per threshold crossing: 30 → 14 → 7 → expired", async () => {
    const db = await getDb();
    const states = await db.select().from(alertState).where(eq(alertState.ruleId, ruleId));
    const at30 = states.find((s) => s.level === "30" && s.itemKey.startsWith("asset:"));
    expect(at30, "the tiny estate has an object 15–30 days from expiry").toBeDefined();
    const [asset] = await db
      .select()
      .from(assets)
      .where(eq(assets.id, at30!.itemKey.slice("asset:".length)));
    const exp = asset.expiresOn!.getTime();
    const rowsFor = async () => (await outbox()).filter((r) => r.ruleId === ruleId && r.itemKey === at30!.itemKey);
    const expected = [["30"]];
    expect((await rowsFor()).map((r) => [String(msg(r).data.threshold)])).toEqual(expected);
    for (const [days, level] of [
      [20, null],
      [12, "14"],
      [10, null],
      [6, "7"],
      [3, null],
      [-0.01, "expired"],
      [-5, null],
    ] as const) {
      await evaluateAt(new Date(exp - days * DAY_MS));
      if (level) expected.push([level]);
      expect(
        (await rowsFor()).map((r) => [String(msg(r).data.threshold)]),
        `${days} days before expiry`,
      ).toEqual(expected);
    }
    expect(msg((await rowsFor()).at(-1)!).type).toBe(`${asset.type}.expired`);
  });

  test("no secret value in any outbox row or anything a receiver got", async () => {
    await deliverDue(systemCtx("alert-delivery"), { batch: 500 });
    const values = env.cloud.control.allSecretValues().filter((v) => v.length >= 8);
    expect(values.length).toBeGreaterThan(5);
    const db = await getDb();
    const stored = JSON.stringify(await db.execute(sql`select payload from alert_outbox`));
    const sent = rx.requests.map((r) => r.body).join("\n") + smtp.mails.map((m) => m.raw).join("\n");
    for (const v of values) {
      expect(stored.includes(v), "outbox").toBe(false);
      expect(sent.includes(v), "sent").toBe(false);
    }
  });
});

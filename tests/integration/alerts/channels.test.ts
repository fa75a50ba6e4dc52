// Every channel against a real local receiver, checking the exact payload; the webhook signature verified with the
// Standard Webhooks reference library; secrets sealed at rest and never shown again.
import { sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createChannel, deliveryHistory, listChannels, sendTestAlert, updateChannel } from "@/lib/alerts";
import { emailChannel } from "@/lib/alerts/channels/email";
import { pagerDutyChannel } from "@/lib/alerts/channels/pagerduty";
import { slackChannel } from "@/lib/alerts/channels/slack";
import { teamsChannel } from "@/lib/alerts/channels/teams";
import { newSigningSecret, webhookChannel } from "@/lib/alerts/channels/webhook";
import { getDb } from "@/lib/db/client";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { adminCtx, MESSAGE, NOW } from "./fixtures";
import { decodeQp, startHttpReceiver, startSmtp, type HttpReceiver } from "./receivers";

let testDb: TestDb;
let rx: HttpReceiver;
beforeAll(async () => {
  testDb = await setupTestDb({ ALERTS_OUTBOUND_ALLOW: "127.0.0.1/32", APP_URL: "https://cc.example.test" });
  await getDb();
  rx = await startHttpReceiver();
});
afterAll(async () => {
  await rx?.close();
  await testDb?.cleanup();
});

const alert = { kind: "alert" as const, message: MESSAGE };
const base = {
  config: {},
  content: alert,
  deliveryId: "0b7c2a1e-0000-4000-8000-000000000001",
  recipient: null,
  now: NOW,
};
const last = () => JSON.parse(rx.requests.at(-1)!.body);

describe("Teams", () => {
  test("posts a Workflows message holding an Adaptive Card", async () => {
    const r = await teamsChannel.send({ ...base, secrets: { webhookUrl: `${rx.url}/teams/hook?sig=abc` } });
    expect(r).toMatchObject({ ok: true, status: 202 });
    expect(rx.requests.at(-1)!.path).toBe("/teams/hook?sig=abc");
    expect(last()).toEqual({
      type: "message",
      attachments: [
        {
          contentType: "application/vnd.microsoft.card.adaptive",
          contentUrl: null,
          content: {
            $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
            type: "AdaptiveCard",
            version: "1.4",
            msteams: { width: "Full" },
            body: [
              { type: "TextBlock", text: "CertifyClouds", size: "Small", weight: "Bolder", color: "Accent" },
              { type: "TextBlock", text: MESSAGE.title, size: "Large", weight: "Bolder", wrap: true, spacing: "None" },
              {
                type: "TextBlock",
                text: "HIGH · Secret expiring",
                size: "Small",
                weight: "Bolder",
                color: "Attention",
                spacing: "Medium",
                separator: false,
              },
              {
                type: "TextBlock",
                text: MESSAGE.title,
                size: "Medium",
                weight: "Bolder",
                wrap: true,
                spacing: "Small",
              },
              { type: "TextBlock", text: MESSAGE.summary, wrap: true, spacing: "Small" },
              {
                type: "FactSet",
                facts: [
                  { title: "Vault", value: "kv-prod-1" },
                  { title: "Owner", value: "alice@contoso.com" },
                ],
              },
              {
                type: "ActionSet",
                actions: [{ type: "Action.OpenUrl", title: "Open in CertifyClouds", url: MESSAGE.link }],
              },
            ],
          },
        },
      ],
    });
  });
});

describe("Slack", () => {
  test("posts Block Kit with a text fallback", async () => {
    const r = await slackChannel.send({ ...base, secrets: { webhookUrl: `${rx.url}/services/T0/B0/x` } });
    expect(r.ok).toBe(true);
    expect(last()).toEqual({
      text: MESSAGE.title,
      blocks: [
        { type: "header", text: { type: "plain_text", text: MESSAGE.title } },
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text: `:large_orange_circle: *high* · Secret expiring\n*${MESSAGE.title}*\n${MESSAGE.summary}`,
          },
        },
        {
          type: "section",
          fields: [
            { type: "mrkdwn", text: "*Vault*\nkv-prod-1" },
            { type: "mrkdwn", text: "*Owner*\nalice@contoso.com" },
          ],
        },
        {
          type: "actions",
          elements: [
            { type: "button", text: { type: "plain_text", text: "Open in CertifyClouds" }, url: MESSAGE.link },
          ],
        },
      ],
    });
  });
});

describe("PagerDuty", () => {
  test("triggers, then resolves with the same dedup key, at the configured endpoint", async () => {
    const args = { ...base, config: { endpoint: `${rx.url}/v2/enqueue` }, secrets: { routingKey: "R0UTINGKEY" } };
    expect((await pagerDutyChannel.send(args)).ok).toBe(true);
    expect(rx.requests.at(-1)!.path).toBe("/v2/enqueue");
    expect(last()).toEqual({
      routing_key: "R0UTINGKEY",
      event_action: "trigger",
      dedup_key: "certifyclouds:r1:asset:a1",
      payload: {
        summary: MESSAGE.title,
        source: "CertifyClouds",
        severity: "error",
        timestamp: NOW.toISOString(),
        component: "kv-prod-1",
        group: "sub-1",
        class: "secret.expiring",
        custom_details: { Vault: "kv-prod-1", Owner: "alice@contoso.com" },
      },
      links: [{ href: MESSAGE.link, text: "Open in CertifyClouds" }],
    });
    const resolve = { kind: "alert" as const, message: { ...MESSAGE, action: "resolve" as const } };
    expect((await pagerDutyChannel.send({ ...args, content: resolve })).ok).toBe(true);
    expect(last()).toEqual({
      routing_key: "R0UTINGKEY",
      event_action: "resolve",
      dedup_key: "certifyclouds:r1:asset:a1",
    });
  });
});

describe("signed webhook", () => {
  test("carries Standard Webhooks headers that the reference library verifies", async () => {
    const secret = newSigningSecret();
    const r = await webhookChannel.send({ ...base, secrets: { url: `${rx.url}/hook`, signingSecret: secret } });
    expect(r.ok).toBe(true);
    const req = rx.requests.at(-1)!;
    expect(req.headers["webhook-id"]).toBe(base.deliveryId);
    expect(req.headers["webhook-timestamp"]).toBe(String(NOW.getTime() / 1000));
    expect(JSON.parse(req.body)).toEqual({ type: "alert.triggered", timestamp: NOW.toISOString(), data: alert });
    const headers = {
      "webhook-id": String(req.headers["webhook-id"]),
      "webhook-timestamp": String(req.headers["webhook-timestamp"]),
      "webhook-signature": String(req.headers["webhook-signature"]),
    };
    const wh = new Webhook(secret.replace(/^whsec_/, ""));
    // The reference library refuses timestamps more than 5 minutes away from its clock; NOW is fixed in the past.
    const verifyAt = (body: string) => {
      const real = Date.now;
      Date.now = () => NOW.getTime();
      try {
        return wh.verify(body, headers);
      } finally {
        Date.now = real;
      }
    };
    expect(verifyAt(req.body)).toEqual(JSON.parse(req.body));
    expect(() => verifyAt(req.body.replace("db-password", "db-passw0rd"))).toThrow();
    expect(() => new Webhook(newSigningSecret().slice(6)).verify(req.body, headers)).toThrow();
  });
});

describe("email", () => {
  test("sends HTML + text over STARTTLS with auth, to the owner when routed", async () => {
    const smtp = await startSmtp({ auth: { user: "alerts", pass: "smtp-pa55" } });
    try {
      const config = {
        host: "localhost",
        port: smtp.port,
        security: "starttls",
        username: "alerts",
        from: "cc@contoso.test",
        to: ["ops@contoso.test"],
      };
      const r = await emailChannel.send({
        ...base,
        config,
        secrets: { password: "smtp-pa55" },
        recipient: "alice@contoso.com",
      });
      expect(r).toMatchObject({ ok: true });
      const m = smtp.mails[0];
      expect(m).toMatchObject({ from: "cc@contoso.test", to: ["alice@contoso.com"], user: "alerts", secure: true });
      expect(m.raw).toMatch(/^Subject: Secret db-password expires in 7 days\r?$/m);
      expect(m.raw).toContain(`Message-ID: <${base.deliveryId}@certifyclouds>`);
      expect(m.raw).toMatch(/Content-Type: multipart\/alternative/);
      const [, textPart, htmlPart] = m.raw.split(/--[-_=a-zA-Z0-9]+\r?\n/);
      expect(textPart).toMatch(/Content-Type: text\/plain/);
      const text = decodeQp(
        textPart
          .split(/\r?\n\r?\n/)
          .slice(1)
          .join("\n\n"),
      );
      expect(text).toContain("[high] Secret db-password expires in 7 days");
      expect(text).toContain("  Owner: alice@contoso.com");
      expect(htmlPart).toMatch(/Content-Type: text\/html/);
      const html = decodeQp(
        htmlPart
          .split(/\r?\n\r?\n/)
          .slice(1)
          .join("\n\n"),
      );
      expect(html).toContain(
        '<h2 style="margin:0 0 6px;font-size:18px;color:#101828">Secret db-password expires in 7 days</h2>',
      );
      expect(html).toContain(`href="${MESSAGE.link}"`);

      // no owner: the channel's own list
      await emailChannel.send({ ...base, config, secrets: { password: "smtp-pa55" } });
      expect(smtp.mails[1].to).toEqual(["ops@contoso.test"]);
      // a wrong password is a permanent failure, and the password is not in the error
      const bad = await emailChannel.send({ ...base, config, secrets: { password: "wrong-pa55" } });
      expect(bad).toMatchObject({ ok: false, retryable: false, status: 535 });
      expect(bad.error).not.toContain("wrong-pa55");
    } finally {
      await smtp.close();
    }
  });

  test("the relay is held to the address policy: a refused host is not contacted, and it is not retried", async () => {
    const smtp = await startSmtp();
    try {
      const config = {
        host: "169.254.169.254",
        port: smtp.port,
        security: "none",
        from: "cc@contoso.test",
        to: ["ops@contoso.test"],
      };
      const r = await emailChannel.send({ ...base, config, secrets: {} });
      expect(r).toMatchObject({ ok: false, retryable: false });
      expect(r.error).toMatch(/^refused: /);
      // a private relay outside the allow-list is refused the same way
      const internal = await emailChannel.send({ ...base, config: { ...config, host: "10.20.30.40" }, secrets: {} });
      expect(internal).toMatchObject({ ok: false, retryable: false });
      expect(smtp.mails).toEqual([]);
    } finally {
      await smtp.close();
    }
  });

  test("escapes names in the HTML body", async () => {
    const smtp = await startSmtp();
    try {
      const config = {
        host: "localhost",
        port: smtp.port,
        security: "starttls",
        from: "cc@contoso.test",
        to: ["ops@contoso.test"],
      };
      const evil = { kind: "alert" as const, message: { ...MESSAGE, title: 'Secret <img src=x onerror="alert(1)">' } };
      await emailChannel.send({ ...base, config, secrets: {}, content: evil });
      const html = decodeQp(smtp.mails[0].raw.slice(smtp.mails[0].raw.indexOf("Content-Type: text/html")));
      expect(html).not.toContain("<img src=x");
      expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    } finally {
      await smtp.close();
    }
  });
});

describe("channel verbs", () => {
  test("seal secrets at rest, show only that they are set, and send a test recorded in the history", async () => {
    const ctx = adminCtx();
    const url = `${rx.url}/hooks/very-secret-token-123`;
    const created = await createChannel({ ctx, input: { name: "Ops webhook", kind: "webhook", secrets: { url } } });
    expect(created.secretsSet).toEqual({ url: true, signingSecret: true });
    expect(created.signingSecret).toMatch(/^whsec_/);
    const listed = JSON.stringify(await listChannels({ ctx }));
    expect(listed).not.toContain("very-secret-token-123");
    expect(listed).not.toContain(created.signingSecret!.slice(6));
    const db = await getDb();
    const dump = JSON.stringify(await db.execute(sql`select * from alert_channels`));
    expect(dump).not.toContain("very-secret-token-123");
    expect(dump).not.toContain(created.signingSecret!.slice(6));
    const audit = JSON.stringify(await db.execute(sql`select details from audit_log`));
    expect(audit).not.toContain("very-secret-token-123");

    const before = rx.requests.length;
    const t = await sendTestAlert({ ctx, input: { id: created.id } });
    expect(t).toMatchObject({ status: "delivered", responseCode: 202, error: null });
    expect(rx.requests.length).toBe(before + 1);
    expect(rx.requests.at(-1)!.path).toBe("/hooks/very-secret-token-123");
    const wh = new Webhook(created.signingSecret!.slice(6));
    const req = rx.requests.at(-1)!;
    expect(() => wh.verify(req.body, req.headers as Record<string, string>)).not.toThrow();

    // an edit that leaves the secret empty keeps it
    await updateChannel({ ctx, input: { id: created.id, name: "Ops hook", secrets: { url: "" } } });
    expect((await sendTestAlert({ ctx, input: { id: created.id } })).status).toBe("delivered");
    const h = await deliveryHistory({ ctx, input: {} });
    expect(h.rows.slice(0, 2).map((r) => [r.status, r.responseCode, r.action, r.channelName])).toEqual([
      ["delivered", 202, "test", "Ops hook"],
      ["delivered", 202, "test", "Ops hook"],
    ]);
  });

  test("a failing receiver's answer is kept only as a short excerpt", async () => {
    const ctx = adminCtx();
    const c = await createChannel({
      ctx,
      input: { name: "Slack", kind: "slack", secrets: { webhookUrl: `${rx.url}/slack` } },
    });
    rx.respond(400, "invalid_payload " + "x".repeat(5000));
    try {
      const t = await sendTestAlert({ ctx, input: { id: c.id } });
      expect(t.status).toBe("failed");
      expect(t.responseCode).toBe(400);
      expect(t.error!.length).toBeLessThanOrEqual(300);
      expect(t.error).toMatch(/^HTTP 400: invalid_payload x+$/);
    } finally {
      rx.respond(202);
    }
  });
});

describe("SECRET_KEY rotation", () => {
  test("with SECRET_KEY_PREVIOUS, channels sealed under the old key still send and are resealed under the new one, audited", async () => {
    const { resealStaleChannels } = await import("@/lib/alerts");
    const { resetConfigForTests } = await import("@/lib/config");
    const { systemCtx } = await import("@/lib/context");
    const ctx = adminCtx();
    const oldKey = process.env.SECRET_KEY!;
    const newKey = Buffer.alloc(32, 7).toString("base64");
    const useKeys = (current: string, previous?: string) => {
      process.env.SECRET_KEY = current;
      if (previous) process.env.SECRET_KEY_PREVIOUS = previous;
      else delete process.env.SECRET_KEY_PREVIOUS;
      resetConfigForTests();
    };
    const keyIdOf = async (id: string) => (await listChannels({ ctx })).find((c) => c.id === id)!.keyId;
    const created = await createChannel({
      ctx,
      input: { name: "Rotating hook", kind: "webhook", secrets: { url: `${rx.url}/hooks/rotating-token-456` } },
    });
    const oldId = await keyIdOf(created.id);
    const underOld = (await listChannels({ ctx })).filter((c) => c.keyId === oldId).length;
    try {
      // the key changed and nobody said what it was: the channel cannot send, and says why
      useKeys(newKey);
      expect(await sendTestAlert({ ctx, input: { id: created.id } })).toMatchObject({
        status: "failed",
        error: expect.stringMatching(/sealed under another SECRET_KEY: set SECRET_KEY_PREVIOUS/),
      });
      expect(await resealStaleChannels(systemCtx("test"))).toBe(0);

      useKeys(newKey, oldKey);
      expect((await sendTestAlert({ ctx, input: { id: created.id } })).status).toBe("delivered");
      expect(rx.requests.at(-1)!.path).toBe("/hooks/rotating-token-456");
      // this channel and the ones the tests above created, all sealed under the old key
      expect(await resealStaleChannels(systemCtx("test"))).toBe(underOld);
      expect((await listChannels({ ctx })).filter((c) => c.keyId === oldId)).toEqual([]);
      const newId = await keyIdOf(created.id);
      expect(newId).not.toBe(oldId);
      expect(await resealStaleChannels(systemCtx("test"))).toBe(0);
      const db = await getDb();
      const { rows } = (await db.execute(
        sql`select details from audit_log where action = 'alerts.channel.resealed' and target_id = ${created.id}`,
      )) as unknown as { rows: { details: Record<string, unknown> }[] };
      expect(rows.map((r) => r.details)).toEqual([{ name: "Rotating hook", fromKeyId: oldId, toKeyId: newId }]);
      expect(JSON.stringify(rows)).not.toContain("rotating-token-456");

      // the old key can go now
      useKeys(newKey);
      expect((await sendTestAlert({ ctx, input: { id: created.id } })).status).toBe("delivered");
    } finally {
      useKeys(oldKey);
    }
  });
});

/**
 * A generic webhook signed per the Standard Webhooks specification: `webhook-id` (the delivery id, stable across
 * retries), `webhook-timestamp` (seconds) and `webhook-signature` = "v1," + base64(HMAC-SHA256(secret,
 * "<id>.<timestamp>.<body>")), where the secret is the base64 part of a `whsec_…` key.
 */
import { createHmac, randomBytes } from "node:crypto";
import { z } from "zod";
import type { DeliveryContent } from "../message";
import { postJson } from "../outbound";
import type { ChannelDef } from "./types";

export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

export function signature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

export function webhookBody(c: DeliveryContent, now: Date): string {
  const type =
    c.kind === "alert"
      ? `alert.${c.message.action === "resolve" ? "resolved" : "triggered"}`
      : c.kind === "digest"
        ? "alert.digest"
        : "alert.test";
  return JSON.stringify({ type, timestamp: now.toISOString(), data: c });
}

export const webhookChannel: ChannelDef = {
  kind: "webhook",
  label: "Webhook (Standard Webhooks signature)",
  supportsResolve: true,
  config: z.strictObject({}),
  secrets: z.strictObject({
    url: z.string().url().max(2000),
    signingSecret: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/=]{24,}$/, "must look like whsec_<base64>")
      .optional(),
  }) as z.ZodType<Record<string, string>>,
  secretFields: [
    { name: "url", label: "Endpoint URL", required: true },
    { name: "signingSecret", label: "Signing secret (whsec_…; generated when left empty)", required: false },
  ],
  send({ secrets, content, deliveryId, now }) {
    const ts = Math.floor(now.getTime() / 1000);
    const body = webhookBody(content, now);
    return postJson(secrets.url, body, {
      "webhook-id": deliveryId,
      "webhook-timestamp": String(ts),
      "webhook-signature": signature(secrets.signingSecret, deliveryId, ts, body),
    });
  },
};

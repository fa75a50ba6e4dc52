/**
 * SMTP email (nodemailer): HTML + text, implicit TLS or STARTTLS (required, not opportunistic), optional auth; the
 * relay's address is checked by the outbound address policy like every other channel's.
 */
import nodemailer from "nodemailer";
import { z } from "zod";
import { getConfig } from "../../config";
import { headline } from "../message";
import { OutboundRefused, vetHost, type OutboundResult } from "../outbound";
import { isEmail } from "../scope";
import { renderHtml, renderText } from "./render-text";
import type { ChannelDef } from "./types";

const email = z.string().refine(isEmail, "must be an email address");

const config = z.strictObject({
  host: z.string().min(1).max(253),
  port: z.coerce.number().int().min(1).max(65535).default(587),
  /** starttls: upgrade required; tls: implicit TLS (465); none: plain (local relays, tests) */
  security: z.enum(["starttls", "tls", "none"]).default("starttls"),
  username: z.string().max(200).optional(),
  from: email,
  to: z.array(email).min(1).max(50),
});

export const emailChannel: ChannelDef = {
  kind: "email",
  label: "Email (SMTP)",
  supportsResolve: false,
  config,
  secrets: z.strictObject({ password: z.string().max(500).optional() }) as z.ZodType<Record<string, string>>,
  secretFields: [{ name: "password", label: "SMTP password", required: false }],
  async send({ config: raw, secrets, content, deliveryId, recipient }): Promise<OutboundResult> {
    const c = config.parse(raw);
    // the relay is held to the same address policy as webhooks (an internal relay needs ALERTS_OUTBOUND_ALLOW),
    // and the connection goes to the vetted address while TLS still verifies the relay's name
    let address: string;
    try {
      ({ address } = await vetHost(c.host));
    } catch (e) {
      if (e instanceof OutboundRefused) return { ok: false, error: `refused: ${e.message}`, retryable: false };
      return { ok: false, error: `${c.host} could not be resolved`, retryable: true };
    }
    const transport = nodemailer.createTransport({
      host: address,
      tls: { servername: c.host },
      port: c.port,
      secure: c.security === "tls",
      requireTLS: c.security === "starttls",
      ignoreTLS: c.security === "none",
      auth: c.username ? { user: c.username, pass: secrets.password ?? "" } : undefined,
      connectionTimeout: getConfig().alerts.outboundTimeoutMs,
      greetingTimeout: getConfig().alerts.outboundTimeoutMs,
      socketTimeout: getConfig().alerts.outboundTimeoutMs,
    });
    try {
      await transport.sendMail({
        from: c.from,
        to: recipient ?? c.to.join(", "),
        subject: headline(content),
        text: renderText(content),
        html: renderHtml(content),
        messageId: `<${deliveryId}@certifyclouds>`,
        headers: { "X-CertifyClouds-Delivery": deliveryId },
      });
      return { ok: true, status: 250, retryable: false };
    } catch (e) {
      const err = e as { responseCode?: number; code?: string; message?: string };
      const code = err.responseCode;
      return {
        ok: false,
        status: code,
        error: `SMTP ${code ?? err.code ?? "error"}: ${(err.message ?? "").replace(/\s+/g, " ").slice(0, 160)}`,
        // 5xx is a permanent refusal (bad recipient, auth); connection problems and 4xx are worth another try
        retryable: code === undefined || code < 500,
      };
    } finally {
      transport.close();
    }
  },
};

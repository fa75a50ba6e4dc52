/** PagerDuty Events API v2: trigger, and resolve with the same dedup key when the item recovers. */
import { z } from "zod";
import { headline, messagesOf, type AlertMessage, type DeliveryContent } from "../message";
import { postJson, type OutboundResult } from "../outbound";
import type { ChannelDef } from "./types";

export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";
const PD_SEVERITY = { critical: "critical", high: "error", medium: "warning", low: "info" } as const;

export function pagerDutyEvent(routingKey: string, m: AlertMessage): Record<string, unknown> {
  if (m.action === "resolve") return { routing_key: routingKey, event_action: "resolve", dedup_key: m.dedupKey };
  return {
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key: m.dedupKey,
    payload: {
      summary: m.title.slice(0, 1024),
      source: "CertifyClouds",
      severity: PD_SEVERITY[m.severity],
      timestamp: m.at,
      component: String(m.data.vault ?? m.data.app ?? ""),
      group: String(m.data.subscriptionId ?? ""),
      class: m.type,
      custom_details: Object.fromEntries(m.facts.map((f) => [f.name, f.value])),
    },
    ...(m.link ? { links: [{ href: m.link, text: "Open in CertifyClouds" }] } : {}),
  };
}

const config = z.strictObject({ endpoint: z.string().url().max(500).default(PAGERDUTY_EVENTS_URL) });

export const pagerDutyChannel: ChannelDef = {
  kind: "pagerduty",
  label: "PagerDuty (Events API v2)",
  supportsResolve: true,
  config,
  secrets: z.strictObject({ routingKey: z.string().min(1).max(100) }),
  secretFields: [{ name: "routingKey", label: "Integration (routing) key", required: true }],
  async send({ config: raw, secrets, content }): Promise<OutboundResult> {
    const { endpoint } = config.parse(raw);
    // A digest pages each of its items (PagerDuty has no digest); the first failure stops and retries the whole row.
    const ms: AlertMessage[] = content.kind === "digest" ? content.messages : messagesOf(content as DeliveryContent);
    let last: OutboundResult = { ok: true, retryable: false };
    for (const m of ms) {
      last = await postJson(
        endpoint,
        pagerDutyEvent(secrets.routingKey, content.kind === "test" ? { ...m, title: headline(content) } : m),
      );
      if (!last.ok) return last;
    }
    return last;
  },
};

/** Microsoft Teams through a Workflows webhook ("When a Teams webhook request is received"): an Adaptive Card 1.4. */
import { z } from "zod";
import { headline, messagesOf, type AlertMessage, type DeliveryContent } from "../message";
import { postJson } from "../outbound";
import type { ChannelDef } from "./types";

const COLOR = { critical: "Attention", high: "Attention", medium: "Warning", low: "Accent" } as const;

function section(m: AlertMessage, first: boolean): unknown[] {
  return [
    {
      type: "TextBlock",
      text: `${m.action === "resolve" ? "RESOLVED" : m.severity.toUpperCase()} · ${m.typeLabel}`,
      size: "Small",
      weight: "Bolder",
      color: m.action === "resolve" ? "Good" : COLOR[m.severity],
      spacing: first ? "Medium" : "Large",
      separator: !first,
    },
    { type: "TextBlock", text: m.title, size: "Medium", weight: "Bolder", wrap: true, spacing: "Small" },
    { type: "TextBlock", text: m.summary, wrap: true, spacing: "Small" },
    { type: "FactSet", facts: m.facts.map((f) => ({ title: f.name, value: f.value })) },
    ...(m.link
      ? [{ type: "ActionSet", actions: [{ type: "Action.OpenUrl", title: "Open in CertifyClouds", url: m.link }] }]
      : []),
  ];
}

export function adaptiveCard(c: DeliveryContent): Record<string, unknown> {
  return {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    msteams: { width: "Full" },
    body: [
      { type: "TextBlock", text: "CertifyClouds", size: "Small", weight: "Bolder", color: "Accent" },
      { type: "TextBlock", text: headline(c), size: "Large", weight: "Bolder", wrap: true, spacing: "None" },
      ...messagesOf(c).flatMap((m, i) => section(m, i === 0)),
    ],
  };
}

export const teamsChannel: ChannelDef = {
  kind: "teams",
  label: "Microsoft Teams (Workflows webhook)",
  supportsResolve: false,
  config: z.strictObject({}),
  secrets: z.strictObject({ webhookUrl: z.string().url().max(2000) }),
  secretFields: [{ name: "webhookUrl", label: "Workflows webhook URL", required: true }],
  send: ({ secrets, content }) =>
    postJson(secrets.webhookUrl, {
      type: "message",
      attachments: [
        { contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: adaptiveCard(content) },
      ],
    }),
};

/** Slack incoming webhook with Block Kit; `text` is the notification fallback. */
import { z } from "zod";
import { headline, messagesOf, type AlertMessage, type DeliveryContent } from "../message";
import { postJson } from "../outbound";
import type { ChannelDef } from "./types";

const EMOJI = {
  critical: ":red_circle:",
  high: ":large_orange_circle:",
  medium: ":large_yellow_circle:",
  low: ":large_blue_circle:",
};

/** Slack mrkdwn treats &, < and > as control characters. */
const mrk = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function blocks(m: AlertMessage): unknown[] {
  const mark = m.action === "resolve" ? ":white_check_mark: *Resolved*" : `${EMOJI[m.severity]} *${m.severity}*`;
  return [
    {
      type: "section",
      text: { type: "mrkdwn", text: `${mark} · ${mrk(m.typeLabel)}\n*${mrk(m.title)}*\n${mrk(m.summary)}` },
    },
    ...(m.facts.length
      ? [
          {
            type: "section",
            fields: m.facts.slice(0, 10).map((f) => ({ type: "mrkdwn", text: `*${mrk(f.name)}*\n${mrk(f.value)}` })),
          },
        ]
      : []),
    ...(m.link
      ? [
          {
            type: "actions",
            elements: [{ type: "button", text: { type: "plain_text", text: "Open in CertifyClouds" }, url: m.link }],
          },
        ]
      : []),
  ];
}

export function slackPayload(c: DeliveryContent): Record<string, unknown> {
  const ms = messagesOf(c);
  return {
    text: headline(c),
    blocks: [
      { type: "header", text: { type: "plain_text", text: headline(c).slice(0, 150) } },
      ...ms.flatMap((m, i) => (i ? [{ type: "divider" }, ...blocks(m)] : blocks(m))).slice(0, 49),
    ],
  };
}

export const slackChannel: ChannelDef = {
  kind: "slack",
  label: "Slack (incoming webhook)",
  supportsResolve: false,
  config: z.strictObject({}),
  secrets: z.strictObject({ webhookUrl: z.string().url().max(2000) }),
  secretFields: [{ name: "webhookUrl", label: "Incoming webhook URL", required: true }],
  send: ({ secrets, content }) => postJson(secrets.webhookUrl, slackPayload(content)),
};

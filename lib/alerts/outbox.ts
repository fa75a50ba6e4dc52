/**
 * Writing messages to the outbox, in the caller's transaction: one row per channel (and, for email, per recipient —
 * the item's owner from the rule's owner tag, else the rule's fallback, else the channel's own list). Digest rules
 * hold their rows until the digest job gathers them.
 */
import type { Tx } from "../db/client";
import { alertOutbox, type AlertChannel, type AlertRule } from "../db/schema";
import { RESOLVING_KINDS } from "./channels/capabilities";
import type { AlertMessage, DeliveryContent } from "./message";
import { isEmail } from "./scope";

export function recipientFor(
  rule: Pick<AlertRule, "fallbackRecipients">,
  channel: Pick<AlertChannel, "kind">,
  owner?: string,
): string | null {
  if (channel.kind !== "email") return null;
  if (isEmail(owner)) return owner;
  return rule.fallbackRecipients.length ? rule.fallbackRecipients.join(", ") : null;
}

export async function writeOutbox(
  db: Tx,
  rule: Pick<AlertRule, "id" | "mode" | "fallbackRecipients">,
  channels: AlertChannel[],
  message: AlertMessage,
  now: Date,
): Promise<number> {
  const rows = channels
    .filter((c) => message.action === "trigger" || RESOLVING_KINDS.has(c.kind))
    .map((c) => ({
      ruleId: rule.id,
      channelId: c.id,
      eventType: message.type,
      action: message.action,
      itemKey: message.itemKey,
      dedupKey: message.dedupKey,
      recipient: recipientFor(rule, c, message.owner),
      payload: { kind: "alert", message } satisfies DeliveryContent,
      status: rule.mode === "digest" ? ("held" as const) : ("pending" as const),
      nextAttemptAt: now,
      createdAt: now,
    }));
  if (rows.length) await db.insert(alertOutbox).values(rows);
  return rows.length;
}

/**
 * Digest rules: held outbox rows are gathered, at the rule's cron time in its time zone, into one digest row per
 * channel and recipient, in one transaction (the held rows become "digested" and point at it).
 */
import { and, eq, inArray, isNotNull, lte } from "drizzle-orm";
import type { Ctx } from "../context";
import { nextCronRun } from "../cron";
import { alertOutbox, alertRules, type AlertRule } from "../db/schema";
import { withTransaction } from "../db/transaction";
import type { AlertMessage, DeliveryContent } from "./message";

export function nextDigestAt(rule: Pick<AlertRule, "digestCron" | "digestTimezone">, after: Date): Date | null {
  if (!rule.digestCron) return null;
  return nextCronRun(rule.digestCron, rule.digestTimezone ?? "UTC", after);
}

export async function runDueDigests(ctx: Ctx, now = new Date()): Promise<number> {
  return withTransaction(ctx, async ({ db }) => {
    const due = await db
      .select()
      .from(alertRules)
      .where(and(eq(alertRules.mode, "digest"), isNotNull(alertRules.nextDigestAt), lte(alertRules.nextDigestAt, now)))
      .for("update", { skipLocked: true });
    let digests = 0;
    for (const rule of due) {
      const held = await db
        .select()
        .from(alertOutbox)
        .where(and(eq(alertOutbox.ruleId, rule.id), eq(alertOutbox.status, "held")));
      const groups = new Map<string, typeof held>();
      for (const h of held) {
        const k = `${h.channelId}\u0000${h.recipient ?? ""}`;
        groups.set(k, [...(groups.get(k) ?? []), h]);
      }
      for (const rows of groups.values()) {
        const messages = rows.map((r) => (r.payload as unknown as { message: AlertMessage }).message);
        const [d] = await db
          .insert(alertOutbox)
          .values({
            ruleId: rule.id,
            channelId: rows[0].channelId,
            eventType: "digest",
            action: "digest",
            dedupKey: `certifyclouds:${rule.id}:digest:${now.toISOString()}`,
            recipient: rows[0].recipient,
            payload: { kind: "digest", ruleName: rule.name, messages } satisfies DeliveryContent,
            status: "pending",
            nextAttemptAt: now,
            createdAt: now,
          })
          .returning({ id: alertOutbox.id });
        await db
          .update(alertOutbox)
          .set({ status: "digested", digestId: d.id })
          .where(
            inArray(
              alertOutbox.id,
              rows.map((r) => r.id),
            ),
          );
        digests++;
      }
      await db
        .update(alertRules)
        .set({ nextDigestAt: nextDigestAt(rule, now) })
        .where(eq(alertRules.id, rule.id));
    }
    return digests;
  });
}

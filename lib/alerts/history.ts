/** The delivery history read model: the outbox as a filtered, paged list (status, attempts, response code, error). */
import { and, count, desc, eq, type SQL } from "drizzle-orm";
import { z } from "zod";
import { assertPermission } from "../auth/authorize";
import type { VerbArgs } from "../context";
import { alertChannels, alertOutbox, alertRules } from "../db/schema";
import { dbOf } from "../db/transaction";
import { wholeNumber } from "../validation";

export const DELIVERY_STATUSES = ["held", "pending", "sending", "delivered", "failed", "digested"] as const;

export const deliveryHistoryInput = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  channelId: z.uuid().optional(),
  page: wholeNumber(1, 100_000).default(1),
  pageSize: wholeNumber(5, 200).default(25),
});

export async function deliveryHistory({ ctx, input }: VerbArgs) {
  assertPermission(ctx, "alerts:write");
  const q = deliveryHistoryInput.parse(input ?? {});
  const db = await dbOf(ctx);
  const where: SQL[] = [];
  if (q.status) where.push(eq(alertOutbox.status, q.status));
  if (q.channelId) where.push(eq(alertOutbox.channelId, q.channelId));
  const cond = where.length ? and(...where) : undefined;
  const [{ n }] = await db.select({ n: count() }).from(alertOutbox).where(cond);
  const rows = await db
    .select({
      id: alertOutbox.id,
      createdAt: alertOutbox.createdAt,
      deliveredAt: alertOutbox.deliveredAt,
      eventType: alertOutbox.eventType,
      action: alertOutbox.action,
      status: alertOutbox.status,
      attempts: alertOutbox.attempts,
      responseCode: alertOutbox.responseCode,
      error: alertOutbox.error,
      recipient: alertOutbox.recipient,
      nextAttemptAt: alertOutbox.nextAttemptAt,
      channelName: alertChannels.name,
      channelKind: alertChannels.kind,
      ruleName: alertRules.name,
      payload: alertOutbox.payload,
    })
    .from(alertOutbox)
    .innerJoin(alertChannels, eq(alertChannels.id, alertOutbox.channelId))
    .leftJoin(alertRules, eq(alertRules.id, alertOutbox.ruleId))
    .where(cond)
    .orderBy(desc(alertOutbox.createdAt), desc(alertOutbox.id))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  return {
    total: n,
    page: q.page,
    pageSize: q.pageSize,
    rows: rows.map(({ payload, ...r }) => ({ ...r, subject: subjectOf(payload) })),
  };
}

function subjectOf(p: Record<string, unknown>): string {
  if (p.kind === "test") return "Channel test";
  if (p.kind === "digest") return `Digest of ${(p.messages as unknown[]).length} alert(s)`;
  const m = p.message as { title?: string; action?: string } | undefined;
  return `${m?.action === "resolve" ? "Resolved: " : ""}${m?.title ?? ""}`;
}

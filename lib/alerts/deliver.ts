/**
 * The delivery job's body. Rows are leased with one UPDATE … FOR UPDATE SKIP LOCKED (status "sending", lease_until),
 * sent, and settled only if this worker still holds the lease. A worker that dies after the outbox commit leaves
 * either a pending row or a lapsed lease; the next run takes it, and the row id — the idempotency key receivers see
 * — stays the same. Failures retry with exponential backoff until `maxAttempts`.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "../context";
import { executeRows } from "../db/execute-rows";
import { dbOf } from "../db/transaction";
import { alertChannels, alertOutbox, type AlertOutboxRow } from "../db/schema";
import { logger } from "../log";
import { channelKind } from "./channels";
import type { DeliveryContent } from "./message";
import type { OutboundResult } from "./outbound";
import { open } from "./secret-box";

const log = logger("alerts.delivery");

export interface DeliveryOptions {
  now?: Date;
  batch?: number;
  leaseMs?: number;
  maxAttempts?: number;
  /** first retry after this long, doubling each attempt (capped at an hour) */
  backoffMs?: number;
  worker?: string;
}

export const DEFAULT_DELIVERY = { batch: 20, leaseMs: 120_000, maxAttempts: 6, backoffMs: 30_000 };

const defaultWorker = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;

export function backoff(attempt: number, baseMs: number): number {
  return Math.min(3_600_000, baseMs * 2 ** Math.max(0, attempt - 1));
}

async function claim(ctx: Ctx, worker: string, now: Date, batch: number, leaseMs: number): Promise<AlertOutboxRow[]> {
  const db = await dbOf(ctx);
  const until = new Date(now.getTime() + leaseMs);
  const claimed = await executeRows<{ id: string }>(
    db,
    sql`
    update alert_outbox set status = 'sending', lease_owner = ${worker}, lease_until = ${until.toISOString()}
    where id in (
      select id from alert_outbox
      where (status = 'pending' and next_attempt_at <= ${now.toISOString()})
         or (status = 'sending' and lease_until < ${now.toISOString()})
      order by next_attempt_at, created_at
      limit ${batch}
      for update skip locked)
    returning id`,
  );
  const ids = claimed.map((r) => r.id);
  if (!ids.length) return [];
  return db
    .select()
    .from(alertOutbox)
    .where(sql`${alertOutbox.id} in ${ids}`);
}

async function sendRow(ctx: Ctx, row: AlertOutboxRow, now: Date): Promise<OutboundResult> {
  const db = await dbOf(ctx);
  const [channel] = await db.select().from(alertChannels).where(eq(alertChannels.id, row.channelId));
  if (!channel) return { ok: false, error: "the channel was deleted", retryable: false };
  try {
    const def = channelKind(channel.kind);
    const secrets = channel.secretBox ? open(channel.secretBox) : {};
    return await def.send({
      config: channel.config,
      secrets,
      content: row.payload as unknown as DeliveryContent,
      deliveryId: row.id,
      recipient: row.recipient,
      now,
    });
  } catch (e) {
    // Only our own messages reach here (configuration, sealed secrets); never a payload or a secret.
    const msg = e instanceof Error && "publicMessage" in e ? String(e.publicMessage) : "the channel could not send";
    return { ok: false, error: msg.slice(0, 200), retryable: false };
  }
}

/** Sends one leased row and settles it, if `worker` still holds its lease. */
export async function deliverClaimed(
  ctx: Ctx,
  row: AlertOutboxRow,
  worker: string,
  now: Date,
  opts: DeliveryOptions = {},
): Promise<{ status: "delivered" | "pending" | "failed"; result: OutboundResult }> {
  const o = { ...DEFAULT_DELIVERY, ...opts };
  const db = await dbOf(ctx);
  const r = await sendRow(ctx, row, now);
  const attempts = row.attempts + 1;
  const done = r.ok || !r.retryable || attempts >= o.maxAttempts;
  const status = r.ok ? "delivered" : done ? "failed" : "pending";
  await db
    .update(alertOutbox)
    .set({
      status,
      attempts,
      responseCode: r.status ?? null,
      error: r.ok ? null : (r.error ?? "failed").slice(0, 300),
      deliveredAt: r.ok ? new Date() : null,
      nextAttemptAt: done ? null : new Date(now.getTime() + backoff(attempts, o.backoffMs)),
      leaseOwner: null,
      leaseUntil: null,
    })
    .where(and(eq(alertOutbox.id, row.id), eq(alertOutbox.leaseOwner, worker)));
  if (!r.ok) log.warn({ delivery: row.id, attempts, status: r.status, error: r.error }, "alert delivery failed");
  return { status, result: r };
}

/** Delivers what is due; returns how many rows were delivered, left for a retry, or failed for good. */
export async function deliverDue(ctx: Ctx, opts: DeliveryOptions = {}) {
  const o = { ...DEFAULT_DELIVERY, ...opts };
  const worker = opts.worker ?? defaultWorker;
  const now = opts.now ?? new Date();
  const rows = await claim(ctx, worker, now, o.batch, o.leaseMs);
  const counts = { delivered: 0, retried: 0, failed: 0 };
  for (const row of rows) {
    const { status } = await deliverClaimed(ctx, row, worker, now, o);
    counts[status === "pending" ? "retried" : status]++;
  }
  return counts;
}

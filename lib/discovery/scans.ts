/** Scan lifecycle verbs (request, claim, cancel, recover) and read helpers. */
import { and, count, desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit/record";
import { assertPermission } from "../auth/authorize";
import { systemCtx, type Ctx } from "../context";
import type { DbOrTx } from "../db/client";
import { scanErrors, scanRuns, type ScanError, type ScanRun } from "../db/schema";
import { withTransaction } from "../db/transaction";
import { AppError } from "../errors";

export const scanScopeSchema = z
  .object({
    subscriptions: z.array(z.string().trim().min(1).max(200)).max(1000).optional(),
    /** vault names or ARM ids */
    vaults: z.array(z.string().trim().min(1).max(500)).max(10_000).optional(),
  })
  .strict();

export const requestScanInput = z
  .object({
    mode: z.enum(["full", "delta", "forced"]),
    scope: scanScopeSchema.optional(),
    trigger: z.enum(["manual", "schedule"]).optional(),
  })
  .strict();
export type RequestScanInput = z.infer<typeof requestScanInput>;

export const cancelScanInput = z.object({ scanId: z.string().uuid() }).strict();

const ACTIVE = ["queued", "running"] as const;

function actorLabel(ctx: Ctx): string {
  const a = ctx.actor;
  return a.type === "user" ? a.upn : a.type === "system" ? `system:${a.job}` : "anonymous";
}

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success)
    throw new AppError("invalid_input", "The scan request is not valid.", {
      issues: r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  return r.data;
}

function isUniqueViolation(e: unknown): boolean {
  for (let x = e as { code?: string; cause?: unknown } | undefined, i = 0; x && i < 5; x = x.cause as typeof x, i++)
    if (x.code === "23505") return true;
  return false;
}

const conflict = () => new AppError("conflict", "A scan is already queued or running.");

/** Queues a scan. Refuses (conflict) while another scan is queued or running. */
export async function requestScan({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ scanId: string }> {
  assertPermission(ctx, "scan:run");
  const { mode, scope, trigger } = parse(requestScanInput, input);
  const trig = trigger ?? (ctx.actor.type === "system" ? "schedule" : "manual");
  const cleanScope = {
    ...(scope?.subscriptions?.length
      ? { subscriptions: [...new Set(scope.subscriptions.map((s) => s.toLowerCase()))] }
      : {}),
    ...(scope?.vaults?.length ? { vaults: [...new Set(scope.vaults)] } : {}),
  };
  try {
    return await withTransaction(ctx, async (t) => {
      const tx = t.db;
      const [active] = await tx
        .select({ id: scanRuns.id })
        .from(scanRuns)
        .where(inArray(scanRuns.status, [...ACTIVE]))
        .limit(1);
      if (active) throw conflict();
      const [row] = await tx
        .insert(scanRuns)
        .values({ mode, scope: cleanScope, trigger: trig, requestedBy: actorLabel(ctx), status: "queued" })
        .returning({ id: scanRuns.id });
      await audit(t, {
        action: "discovery.scan.requested",
        target: { type: "scan", id: row.id },
        details: { mode, scope: cleanScope, trigger: trig },
      });
      return { scanId: row.id };
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict();
    throw e;
  }
}

/** Atomically claims the oldest queued scan (→ running). Two workers never get the same scan. */
export async function claimNextQueuedScan(db: DbOrTx): Promise<string | null> {
  const r = await db.execute<{ id: string }>(sql`
    update scan_runs set status = 'running', started_at = now(), heartbeat_at = now()
    where id = (select id from scan_runs where status = 'queued' order by created_at, id limit 1 for update skip locked)
      and status = 'queued'
    returning id`);
  const rows = (r as unknown as { rows?: { id: string }[] }).rows ?? (r as unknown as { id: string }[]);
  return rows[0]?.id ?? null;
}

/** Operator+: cancels a queued scan now, or asks a running one to stop (checked between vaults). */
export async function cancelScan({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<{ scanId: string; status: ScanRun["status"]; cancelRequested: boolean }> {
  assertPermission(ctx, "scan:run");
  const { scanId } = parse(cancelScanInput, input);
  return withTransaction(ctx, async (t) => {
    const tx = t.db;
    const [run] = await tx.select().from(scanRuns).where(eq(scanRuns.id, scanId)).for("update");
    if (!run) throw new AppError("not_found", "Scan not found.");
    if (run.status === "queued") {
      await tx
        .update(scanRuns)
        .set({ status: "cancelled", cancelRequested: true, finishedAt: new Date() })
        .where(eq(scanRuns.id, scanId));
      await audit(t, {
        action: "discovery.scan.cancelled",
        target: { type: "scan", id: scanId },
        details: { wasStatus: "queued" },
      });
      return { scanId, status: "cancelled" as const, cancelRequested: true };
    }
    if (run.status === "running") {
      await tx.update(scanRuns).set({ cancelRequested: true }).where(eq(scanRuns.id, scanId));
      await audit(t, { action: "discovery.scan.cancel_requested", target: { type: "scan", id: scanId } });
      return { scanId, status: "running" as const, cancelRequested: true };
    }
    throw new AppError("conflict", `The scan has already finished (${run.status}).`);
  });
}

/** Marks running scans whose heartbeat is older than staleAfterMs as failed ("interrupted (worker stopped)"), audited. */
export async function recoverStaleScans(db: DbOrTx, { staleAfterMs }: { staleAfterMs: number }): Promise<string[]> {
  const cutoff = new Date(Date.now() - staleAfterMs);
  const ctx = systemCtx("discovery.recover-stale-scans");
  return withTransaction({ ...ctx, db }, async (t) => {
    const tx = t.db;
    const stale = await tx
      .update(scanRuns)
      .set({ status: "failed", error: "interrupted (worker stopped)", finishedAt: new Date() })
      .where(
        and(
          eq(scanRuns.status, "running"),
          sql`coalesce(${scanRuns.heartbeatAt}, ${scanRuns.startedAt}, ${scanRuns.createdAt}) < ${cutoff}`,
        ),
      )
      .returning({ id: scanRuns.id, heartbeatAt: scanRuns.heartbeatAt });
    for (const s of stale)
      await audit(t, {
        action: "discovery.scan.failed",
        outcome: "failure",
        target: { type: "scan", id: s.id },
        details: { error: "interrupted (worker stopped)", lastHeartbeat: s.heartbeatAt?.toISOString() ?? null },
      });
    return stale.map((s) => s.id);
  });
}

export async function getScan(db: DbOrTx, scanId: string): Promise<ScanRun | null> {
  if (!z.string().uuid().safeParse(scanId).success) return null;
  const [row] = await db.select().from(scanRuns).where(eq(scanRuns.id, scanId)).limit(1);
  return row ?? null;
}

/** Newest first. */
export async function listScans(
  db: DbOrTx,
  { limit = 50, offset = 0 }: { limit?: number; offset?: number } = {},
): Promise<ScanRun[]> {
  const lim = Math.min(Math.max(1, Math.floor(limit)), 500);
  const off = Math.max(0, Math.floor(offset));
  return db.select().from(scanRuns).orderBy(desc(scanRuns.createdAt), desc(scanRuns.id)).limit(lim).offset(off);
}

export async function countScans(db: DbOrTx): Promise<number> {
  const [{ n }] = await db.select({ n: count() }).from(scanRuns);
  return Number(n);
}

export async function listScanErrors(db: DbOrTx, scanId: string): Promise<ScanError[]> {
  if (!z.string().uuid().safeParse(scanId).success) return [];
  return db.select().from(scanErrors).where(eq(scanErrors.scanId, scanId)).orderBy(scanErrors.at, scanErrors.scope);
}

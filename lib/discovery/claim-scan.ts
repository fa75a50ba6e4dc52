/** The worker's side of the queue: claiming the next queued scan, and failing scans whose worker stopped. */
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit/record";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { scanRuns } from "../db/schema";
import { dbOf, withTransaction } from "../db/transaction";
import { parseInput } from "./parse-input";

/**
 * Atomically claims the oldest queued scan (→ running, heartbeat now) and returns its id, or null when none is
 * queued. Two workers never get the same scan; executeScan then runs it without claiming again.
 */
export async function claimNextQueuedScan(ctx: Ctx): Promise<string | null> {
  assertPermission(ctx, "scan:run");
  const db = await dbOf(ctx);
  const r = await db.execute<{ id: string }>(sql`
    update scan_runs set status = 'running', started_at = now(), heartbeat_at = now()
    where id = (select id from scan_runs where status = 'queued' order by created_at, id limit 1 for update skip locked)
      and status = 'queued'
    returning id`);
  const rows = (r as unknown as { rows?: { id: string }[] }).rows ?? (r as unknown as { id: string }[]);
  return rows[0]?.id ?? null;
}

export const recoverStaleScansInput = z.object({ staleAfterMs: z.number().int().positive() }).strict();

const INTERRUPTED = "interrupted (worker stopped)";

/** Marks running scans whose heartbeat is older than staleAfterMs as failed ("interrupted"), audited; returns their ids. */
export async function recoverStaleScans({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<string[]> {
  assertPermission(ctx, "scan:run");
  const { staleAfterMs } = parseInput(recoverStaleScansInput, input);
  const cutoff = new Date(Date.now() - staleAfterMs);
  return withTransaction(ctx, async (tx) => {
    const stale = await tx.db
      .update(scanRuns)
      .set({ status: "failed", error: INTERRUPTED, finishedAt: new Date() })
      .where(
        and(
          eq(scanRuns.status, "running"),
          sql`coalesce(${scanRuns.heartbeatAt}, ${scanRuns.startedAt}, ${scanRuns.createdAt}) < ${cutoff}`,
        ),
      )
      .returning({ id: scanRuns.id, heartbeatAt: scanRuns.heartbeatAt });
    for (const s of stale)
      await audit(tx, {
        action: "discovery.scan.failed",
        outcome: "failure",
        target: { type: "scan", id: s.id },
        details: { error: INTERRUPTED, lastHeartbeat: s.heartbeatAt?.toISOString() ?? null },
      });
    return stale.map((s) => s.id);
  });
}

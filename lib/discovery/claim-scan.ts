/**
 * The worker's side of the queue: one claim that takes the oldest queued scan, or takes over a running scan whose
 * worker stopped (its lease expired) so it continues where it stopped — or, after too many interruptions, fails it.
 */
import { and, asc, eq, or, sql } from "drizzle-orm";
import { audit } from "../audit/record";
import { assertPermission } from "../auth/authorize";
import type { Ctx, TxCtx } from "../context";
import { scanRuns } from "../db/schema";
import { withTransaction } from "../db/transaction";
import { logger } from "../log";
import { clearScanVaults, doneTotals } from "./scan-checkpoint";
import { fenceOutWriters, leaseExpired, leaseSettings, leaseUntil, type ScanLeaseOptions } from "./scan-lease";

const log = logger("discovery");

type Candidate = Pick<
  typeof scanRuns.$inferSelect,
  "id" | "status" | "attempt" | "leaseOwner" | "heartbeatAt" | "vaultsTotal"
>;

/**
 * Atomically claims the next scan for this worker (→ running, lease taken, attempt + 1) and returns its id, or null
 * when there is none — or when the one found was interrupted more than `maxInterruptions` times and has just been
 * failed. Two workers never get the same scan; executeScan then runs it without claiming again.
 */
export async function claimNextQueuedScan(ctx: Ctx, opts: ScanLeaseOptions = {}): Promise<string | null> {
  assertPermission(ctx, "scan:run");
  const { worker, leaseMs, maxInterruptions } = leaseSettings(opts);
  return withTransaction(ctx, async (tx) => {
    const [c] = await tx.db
      .select({
        id: scanRuns.id,
        status: scanRuns.status,
        attempt: scanRuns.attempt,
        leaseOwner: scanRuns.leaseOwner,
        heartbeatAt: scanRuns.heartbeatAt,
        vaultsTotal: scanRuns.vaultsTotal,
      })
      .from(scanRuns)
      .where(or(eq(scanRuns.status, "queued"), and(eq(scanRuns.status, "running"), leaseExpired(leaseMs))))
      .orderBy(asc(scanRuns.createdAt), asc(scanRuns.id))
      .limit(1)
      .for("update", { skipLocked: true });
    if (!c) return null;
    const takeover = c.status === "running";
    // the previous worker's vault writes in flight finish (or fail) before the scan changes hands
    if (takeover) await fenceOutWriters(tx.db, c.id);
    // every claim after the first follows an interruption: `attempt` interruptions so far
    if (takeover && c.attempt > maxInterruptions) {
      await giveUp(tx, c, maxInterruptions);
      return null;
    }
    await tx.db
      .update(scanRuns)
      .set({
        status: "running",
        startedAt: c.status === "queued" ? sql`now()` : undefined,
        heartbeatAt: sql`now()`,
        leaseOwner: worker,
        leaseExpiresAt: leaseUntil(leaseMs),
        attempt: c.attempt + 1,
      })
      .where(eq(scanRuns.id, c.id));
    if (takeover) {
      const details = {
        attempt: c.attempt + 1,
        interruptions: c.attempt,
        previousWorker: c.leaseOwner,
        lastHeartbeat: c.heartbeatAt?.toISOString() ?? null,
      };
      await audit(tx, { action: "discovery.scan.resumed", target: { type: "scan", id: c.id }, details });
      log.info({ scanId: c.id, worker, ...details }, "scan taken over after an interruption");
    }
    return c.id;
  });
}

/** The scan has been interrupted once too often: it fails with that reason, counted from what it did record. */
async function giveUp(tx: TxCtx, c: Candidate, maxInterruptions: number): Promise<void> {
  const error = `interrupted ${c.attempt} times (worker stopped); not resumed again (limit ${maxInterruptions})`;
  const totals = await doneTotals(tx.db, c.id);
  await tx.db
    .update(scanRuns)
    .set({ status: "failed", error, finishedAt: new Date(), leaseExpiresAt: null, ...totals })
    .where(eq(scanRuns.id, c.id));
  await clearScanVaults(tx.db, c.id);
  await audit(tx, {
    action: "discovery.scan.failed",
    outcome: "failure",
    target: { type: "scan", id: c.id },
    details: {
      error,
      interruptions: c.attempt,
      lastWorker: c.leaseOwner,
      lastHeartbeat: c.heartbeatAt?.toISOString() ?? null,
      vaultsTotal: c.vaultsTotal,
      ...totals,
    },
  });
  log.warn({ scanId: c.id, interruptions: c.attempt }, "scan failed: interrupted too often");
}

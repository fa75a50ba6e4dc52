/**
 * The scan lease: which worker holds a running scan (`lease_owner`) and until when (`lease_expires_at`, database
 * clock). The claim takes it, the heartbeat renews it, every inventory write of the scan checks it, and a worker that
 * stops gracefully lets go of it at once so the next worker need not wait for it to lapse.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { and, eq, sql, type SQL } from "drizzle-orm";
import { getConfig } from "../config";
import type { DbOrTx } from "../db/client";
import { scanRuns } from "../db/schema";

export interface ScanLeaseOptions {
  /** Who holds the lease; default: this process (`host:pid:random`), so a restarted process is another worker. */
  worker?: string;
  /** How long the lease lasts unless renewed; default SCAN_LEASE_MS. */
  leaseMs?: number;
  /** How many interruptions a scan survives; default SCAN_MAX_INTERRUPTIONS. */
  maxInterruptions?: number;
}

const PROCESS_WORKER = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;

export function leaseSettings(o: ScanLeaseOptions): Required<ScanLeaseOptions> {
  const c = getConfig().scan;
  return {
    worker: o.worker ?? PROCESS_WORKER,
    leaseMs: o.leaseMs ?? c.leaseMs,
    maxInterruptions: o.maxInterruptions ?? c.maxInterruptions,
  };
}

/** The scan is no longer this worker's: another worker took it over (or it ended). Nothing of it may be written. */
export class LeaseLostError extends Error {
  constructor(scanId: string) {
    super(`scan ${scanId} is no longer held by this worker`);
    this.name = "LeaseLostError";
  }
}

/** now() + leaseMs on the database clock, which is the only clock lease times are compared with. */
export const leaseUntil = (leaseMs: number): SQL => sql`now() + ${leaseMs}::int * interval '1 millisecond'`;

/**
 * A running scan nobody holds any more. Rows from before leases existed have no expiry: their heartbeat plus one
 * lease stands in for it.
 */
export const leaseExpired = (leaseMs: number): SQL =>
  sql`coalesce(${scanRuns.leaseExpiresAt}, coalesce(${scanRuns.heartbeatAt}, ${scanRuns.startedAt}, ${scanRuns.createdAt}) + ${leaseMs}::int * interval '1 millisecond') <= now()`;

/** The scan is running and this worker holds it (every write of the scan checks it, after taking the fence lock). */
export const heldBy = (scanId: string, worker: string) =>
  and(eq(scanRuns.id, scanId), eq(scanRuns.status, "running"), eq(scanRuns.leaseOwner, worker));

/** Advisory-lock namespace of the scan write fence (7_314_001–003: migrations, the audit chain, settings). */
const SCAN_FENCE_NAMESPACE = 7_314_004;
const fenceLock = (scanId: string, mode: "shared" | "exclusive"): SQL =>
  mode === "shared"
    ? sql`select pg_advisory_xact_lock_shared(${SCAN_FENCE_NAMESPACE}, hashtext(${scanId}))`
    : sql`select pg_advisory_xact_lock(${SCAN_FENCE_NAMESPACE}, hashtext(${scanId}))`;

/**
 * The fence of every write of a scan, or LeaseLostError when this worker no longer holds it.
 * - "share" (vault writes, side by side): a shared advisory lock on the scan, then a plain read of the owner. The scan
 *   row itself is not locked, so the heartbeat's renewal and a cancel request never queue behind vault writes.
 * - "update" (checkpoints and the end of the scan): the scan row FOR UPDATE, then the exclusive advisory lock, which
 *   waits for the vault writes in flight.
 * A takeover (claim) locks the row and then takes the exclusive lock too (same order: no deadlock), so a vault is
 * written either before the takeover — and the new worker sees it done — or not at all by the old worker: a write
 * that gets its shared lock after the takeover committed reads the new owner (each statement reads what had committed
 * when it began, and the owner check begins after the lock is granted).
 */
export async function holdScan(
  tx: DbOrTx,
  scanId: string,
  worker: string,
  mode: "share" | "update" = "share",
): Promise<void> {
  if (mode === "update") {
    const rows = await tx.select({ id: scanRuns.id }).from(scanRuns).where(heldBy(scanId, worker)).for("update");
    if (!rows.length) throw new LeaseLostError(scanId);
    await tx.execute(fenceLock(scanId, "exclusive"));
    return;
  }
  await tx.execute(fenceLock(scanId, "shared"));
  const rows = await tx.select({ id: scanRuns.id }).from(scanRuns).where(heldBy(scanId, worker)).limit(1);
  if (!rows.length) throw new LeaseLostError(scanId);
}

/**
 * A vault write's side of the fence, one statement shorter than holdScan: the shared lock now, and the owner read by
 * the write's last statement (markVaultDone), which begins after the lock was granted just as holdScan's read does.
 * Every statement of the write in between rolls back with it if the owner changed.
 */
export async function enterVaultFence(tx: DbOrTx, scanId: string): Promise<void> {
  await tx.execute(fenceLock(scanId, "shared"));
}

/** A takeover's side of the fence (its transaction holds the scan row): waits for the old worker's writes in flight. */
export async function fenceOutWriters(tx: DbOrTx, scanId: string): Promise<void> {
  await tx.execute(fenceLock(scanId, "exclusive"));
}

/** Renews the lease with a progress write; false when another worker holds the scan now. */
export async function renewLease(
  db: DbOrTx,
  scanId: string,
  worker: string,
  leaseMs: number,
  progress: Partial<typeof scanRuns.$inferInsert>,
): Promise<{ cancelRequested: boolean } | undefined> {
  const [r] = await db
    .update(scanRuns)
    .set({ ...progress, leaseExpiresAt: leaseUntil(leaseMs) })
    .where(heldBy(scanId, worker))
    .returning({ cancelRequested: scanRuns.cancelRequested });
  return r;
}

/** Lets go of the lease now (a graceful stop): the scan stays running and the next claim resumes it. */
export async function releaseLease(
  db: DbOrTx,
  scanId: string,
  worker: string,
  progress: Partial<typeof scanRuns.$inferInsert>,
): Promise<void> {
  await db
    .update(scanRuns)
    .set({ ...progress, leaseExpiresAt: sql`now()` })
    .where(heldBy(scanId, worker));
}

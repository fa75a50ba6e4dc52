/**
 * What a scan records as done, so a worker that takes it over continues instead of starting again: the listed
 * targets (scan_vaults rows, written once), each vault done (marked in the vault's own write transaction), and the
 * Graph phase. The scan's final counters are counted from these records, so nothing is counted twice.
 */
import { asc, count, eq, sql } from "drizzle-orm";
import type { CloudVault } from "../cloud";
import type { DbOrTx } from "../db/client";
import { scanErrors, scanRuns, scanVaults } from "../db/schema";
import { executeRows } from "../db/execute-rows";
import { chunks } from "./persist";
import { heldBy, LeaseLostError } from "./scan-lease";
import type { ScanSession } from "./scan-session";
import type { ScanTargets } from "./scan-targets";

/** The targets of a scan as recorded, and which vaults are done already. */
export interface RecordedTargets extends ScanTargets {
  done: ReadonlySet<string>;
}

export interface ResumePoint {
  /** absent until subscriptions and vaults have been listed */
  targets?: RecordedTargets;
  graphDone: boolean;
}

/** The done records of a scan, counted: what its counters say once it finishes (or gives up). */
export async function doneTotals(
  db: DbOrTx,
  scanId: string,
): Promise<{ vaultsDone: number; vaultsFailed: number; objectsSeen: number; errorCount: number }> {
  const [[v], [e]] = await Promise.all([
    db
      .select({
        vaultsDone: sql<number>`count(*) filter (where ${scanVaults.doneAt} is not null)::int`,
        vaultsFailed: sql<number>`count(*) filter (where ${scanVaults.doneAt} is not null and ${scanVaults.failed})::int`,
        objectsSeen: sql<number>`coalesce(sum(${scanVaults.objects}) filter (where ${scanVaults.doneAt} is not null), 0)::int`,
      })
      .from(scanVaults)
      .where(eq(scanVaults.scanId, scanId)),
    db.select({ n: count() }).from(scanErrors).where(eq(scanErrors.scanId, scanId)),
  ]);
  return {
    vaultsDone: Number(v?.vaultsDone ?? 0),
    vaultsFailed: Number(v?.vaultsFailed ?? 0),
    objectsSeen: Number(v?.objectsSeen ?? 0),
    errorCount: Number(e?.n ?? 0),
  };
}

/** Where the session's run stands; also sets the session's counters to what is recorded. */
export async function loadResumePoint(session: ScanSession): Promise<ResumePoint> {
  const { run } = session;
  const recorded = run.checkpoint.targets;
  Object.assign(session.counters, await doneTotals(session.db, run.id), {
    appsSeen: run.checkpoint.graph ? run.appsSeen : 0,
  });
  if (!recorded) return { graphDone: false };
  const rows = await session.db
    .select({ target: scanVaults.target, doneAt: scanVaults.doneAt })
    .from(scanVaults)
    .where(eq(scanVaults.scanId, run.id))
    .orderBy(asc(scanVaults.position));
  const vaults = rows.map((r) => r.target as unknown as CloudVault);
  session.counters.vaultsTotal = vaults.length;
  return {
    targets: { ...recorded, vaults, done: new Set(rows.filter((r) => r.doneAt).map((r) => r.target.id as string)) },
    graphDone: !!run.checkpoint.graph,
  };
}

/** Records the listed targets (and the errors of listing them) once; a resumed scan reads them instead of listing. */
export async function saveTargets(session: ScanSession, listed: ScanTargets): Promise<RecordedTargets> {
  const vaults = [...new Map(listed.vaults.map((v) => [v.id, v])).values()];
  session.counters.vaultsTotal = vaults.length;
  const targets = { completeSubscriptions: listed.completeSubscriptions, vaultsChosen: listed.vaultsChosen };
  // the rows and the checkpoint that points at them commit together
  await session.writeCheckpoint({ ...session.checkpoint, targets }, async (tx) => {
    let position = 0;
    for (const batch of chunks(vaults))
      await tx.db
        .insert(scanVaults)
        .values(batch.map((v) => ({ scanId: session.scanId, vaultId: v.id, position: position++, target: { ...v } })))
        .onConflictDoNothing();
  });
  return { ...targets, vaults, done: new Set() };
}

/**
 * Marks one vault done, inside the transaction that writes its inventory, and proves in the same statement that this
 * worker still holds the scan (the vault write's side of the fence: enterVaultFence took the shared lock first, so
 * this statement reads the owner as it was after any takeover). LeaseLostError rolls the vault's write back; so does
 * the throw when it was done already — which the lease makes impossible — instead of counting it twice.
 */
export async function markVaultDone(
  tx: DbOrTx,
  session: ScanSession,
  vaultId: string,
  outcome: { failed: boolean; objects: number },
): Promise<void> {
  const [r] = await executeRows<{ owned: number; done: number }>(
    tx,
    sql`with owner as (select 1 from ${scanRuns} where ${heldBy(session.scanId, session.worker)}),
    done as (
      update ${scanVaults}
        set done_at = now(), done_attempt = ${session.run.attempt}, failed = ${outcome.failed}, objects = ${outcome.objects}
        where scan_id = ${session.scanId} and vault_id = ${vaultId} and done_at is null and exists (select 1 from owner)
        returning 1)
    select (select count(*) from owner)::int as owned, (select count(*) from done)::int as done`,
  );
  if (!Number(r?.owned)) throw new LeaseLostError(session.scanId);
  if (!Number(r.done)) throw new Error(`vault ${vaultId} is already done in scan ${session.scanId}`);
}

/** Records that the Graph phase was written (with its errors), so a resumed scan does not run it again. */
export async function markGraphDone(session: ScanSession): Promise<void> {
  await session.writeCheckpoint({ ...session.checkpoint, graph: true });
}

/** A finished scan needs no to-do list. */
export async function clearScanVaults(db: DbOrTx, scanId: string): Promise<void> {
  await db.delete(scanVaults).where(eq(scanVaults.scanId, scanId));
}

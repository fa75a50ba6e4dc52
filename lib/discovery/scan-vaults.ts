/**
 * The vault phase: a few vaults in flight, each read and then written in one transaction of its own (the vault row,
 * its changed objects, its errors and their audit entry, and the mark that it is done), so a crash or cancel leaves
 * every unfinished vault's previous inventory intact, and a resumed scan reads exactly the vaults not yet done.
 */
import { AbortedError, classifyError, sanitizeMessage, type CloudVault } from "../cloud";
import { audit } from "../audit/record";
import { scanErrors } from "../db/schema";
import { logger } from "../log";
import { writeVault, type VaultOutcome } from "./persist";
import { VAULT_WRITE_REMEDIATION } from "./remediation";
import { markVaultDone } from "./scan-checkpoint";
import type { ScanConfig } from "./scan-config";
import { holdScan, LeaseLostError } from "./scan-lease";
import type { ScanSession } from "./scan-session";
import { scanVault, unreadableVault } from "./scan-vault";

const log = logger("discovery");

/** Scans `targets`; resolves true when every vault was read and written (not stopped early). */
export async function scanVaults(session: ScanSession, config: ScanConfig, targets: CloudVault[]): Promise<boolean> {
  // Enough vaults in flight to keep the global limit busy (a vault's list pages are sequential, so one vault rarely
  // fills its per-vault limit), few enough to bound memory: one vault's objects per slot.
  const vaultSlots = Math.max(2, config.global.max);
  const queue = [...targets];
  const worker = async () => {
    for (let v = queue.shift(); v; v = queue.shift()) {
      if (session.stopRequested()) return;
      let outcome: VaultOutcome;
      try {
        outcome = await scanVault(session, config, v);
      } catch (e) {
        if (session.signal.aborted || e instanceof AbortedError) return;
        outcome = unreadableVault(session.scanId, v, classifyError(e));
      }
      if (session.signal.aborted) return;
      if (!(await writeOutcome(session, v, outcome))) {
        if (session.signal.aborted) return;
        continue;
      }
      session.counters.vaultsDone++;
      if (outcome.assets === null) session.counters.vaultsFailed++;
      session.counters.errorCount += outcome.errors.length;
    }
  };
  await Promise.all(Array.from({ length: Math.min(vaultSlots, Math.max(1, targets.length)) }, worker));
  return !session.stopRequested() && queue.length === 0;
}

/** Writes one vault's outcome and marks it done; false when the write failed (recorded as the vault's failure). */
async function writeOutcome(session: ScanSession, v: CloudVault, outcome: VaultOutcome): Promise<boolean> {
  // objects are counted with the write that stores them, so a vault read twice (before and after an interruption)
  // counts once
  const objects = outcome.assets ? outcome.assets.length + (outcome.unchanged?.length ?? 0) : 0;
  try {
    session.counters.rowsWritten += await session.write(async (tx) => {
      await holdScan(tx.db, session.scanId, session.worker);
      const n = await writeVault(tx.db, outcome);
      if (outcome.errors.length)
        await audit(tx, {
          action: "discovery.vault.error",
          outcome: "failure",
          target: { type: "vault", id: v.id },
          details: {
            scanId: session.scanId,
            vault: v.name,
            accessStatus: outcome.accessStatus,
            errors: outcome.errors.map((e) => ({ kind: e.kind, code: e.code ?? null })),
          },
        });
      await markVaultDone(tx.db, session, v.id, { failed: outcome.assets === null, objects });
      return n;
    });
    session.counters.objectsSeen += objects;
    return true;
  } catch (e) {
    // a failed write loses nothing (the transaction rolled back: the vault keeps its previous inventory)
    if (e instanceof LeaseLostError) session.loseLease(e.message);
    if (session.signal.aborted) return false;
    const message = sanitizeMessage(
      `inventory write failed: ${(e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message}`,
    ).slice(0, 300);
    log.error({ scanId: session.scanId, vault: v.name, err: message }, "vault write failed");
    await recordWriteFailure(session, v, message);
    return false;
  }
}

/**
 * The vault counts as done and failed, with its error, in one transaction. If even that cannot be written, the error
 * waits for the end of the scan and the vault stays not done (a resumed scan reads it again).
 */
async function recordWriteFailure(session: ScanSession, v: CloudVault, message: string): Promise<void> {
  const error = { scope: v.id, kind: "unknown", message, remediation: VAULT_WRITE_REMEDIATION };
  try {
    await session.write(async (tx) => {
      await holdScan(tx.db, session.scanId, session.worker);
      await tx.db.insert(scanErrors).values({ scanId: session.scanId, ...error });
      await markVaultDone(tx.db, session, v.id, { failed: true, objects: 0 });
    });
    session.counters.vaultsDone++;
    session.counters.vaultsFailed++;
    session.counters.errorCount++;
  } catch (e) {
    if (e instanceof LeaseLostError) return session.loseLease(e.message);
    session.recordError(error);
  }
}

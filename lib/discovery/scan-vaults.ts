/**
 * The vault phase: a few vaults in flight, each read and then written in one transaction of its own (the vault row,
 * its changed objects, its errors and their audit entry, and the mark that it is done), so a crash or cancel leaves
 * every unfinished vault's previous inventory intact, and a resumed scan reads exactly the vaults not yet done.
 */
import { AbortedError, type ClassifiedError, type CloudVault } from "../cloud";
import { audit } from "../audit/record";
import { scanErrors } from "../db/schema";
import { readableAfterScan } from "../inventory/vault-readability";
import { DefenderPlans } from "./defender-plans";
import { markUnreadable, writeVault, type VaultOutcome } from "./persist";
import { VAULT_WRITE_REMEDIATION } from "./remediation";
import { markVaultDone } from "./scan-checkpoint";
import { classifyScanError, internalFailure } from "./scan-failures";
import type { ScanConfig } from "./scan-config";
import { enterVaultFence, LeaseLostError } from "./scan-lease";
import type { ScanSession } from "./scan-session";
import { scanVault, unreadableVault } from "./scan-vault";

/** Scans `targets`; resolves true when every vault was read and written (not stopped early). */
export async function scanVaults(session: ScanSession, config: ScanConfig, targets: CloudVault[]): Promise<boolean> {
  // Enough vaults in flight to keep the global limit busy (a vault's list pages are sequential, so one vault rarely
  // fills its per-vault limit), few enough to bound memory: one vault's objects per slot.
  // Sized by the configured limit, not the adaptive ceiling: each slot holds a vault's objects in memory.
  const vaultSlots = Math.max(2, config.limits.start);
  const queue = [...targets];
  const defender = new DefenderPlans(session, config.globalOpts);
  const worker = async () => {
    for (let v = queue.shift(); v; v = queue.shift()) {
      if (session.stopRequested()) return;
      let outcome: VaultOutcome;
      try {
        outcome = await scanVault(session, config, v, defender);
      } catch (e) {
        if (session.signal.aborted || e instanceof AbortedError) return;
        outcome = unreadableVault(session.scanId, v, classifyScanError(e, { scanId: session.scanId, scope: v.id }));
      }
      if (session.signal.aborted) return;
      if (!(await writeOutcome(session, v, outcome))) {
        if (session.signal.aborted) return;
        continue;
      }
      session.counters.vaultsDone++;
      if (!readableAfterScan(outcome)) session.counters.vaultsFailed++;
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
  const readable = readableAfterScan(outcome);
  try {
    session.counters.rowsWritten += await session.write(async (tx) => {
      await enterVaultFence(tx.db, session.scanId);
      const n = await writeVault(tx.db, outcome);
      // an unreadable vault has its own action, so the audit log counts what the scan and the dashboard count
      if (outcome.errors.length)
        await audit(tx, {
          action: readable ? "discovery.vault.error" : "discovery.vault.unreadable",
          outcome: "failure",
          target: { type: "vault", id: v.id },
          details: {
            scanId: session.scanId,
            vault: v.name,
            accessStatus: outcome.accessStatus,
            errors: outcome.errors.map((e) => ({ kind: e.kind, code: e.code ?? null })),
          },
        });
      await markVaultDone(tx.db, session, v.id, { failed: !readable, objects });
      return n;
    });
    session.counters.objectsSeen += objects;
    return true;
  } catch (e) {
    // a failed write loses nothing (the transaction rolled back: the vault keeps its previous inventory)
    if (e instanceof LeaseLostError) session.loseLease(e.message);
    if (session.signal.aborted) return false;
    // the database's message may quote SQL and values: the stored one is generic, the cause chain goes to the log
    const c = internalFailure(e, { scanId: session.scanId, scope: v.id }, "writing the vault's inventory");
    await recordWriteFailure(session, v, c);
    return false;
  }
}

/**
 * The vault counts as done and failed, with its error, in one transaction. If even that cannot be written, the error
 * waits for the end of the scan and the vault stays not done (a resumed scan reads it again).
 */
async function recordWriteFailure(session: ScanSession, v: CloudVault, c: ClassifiedError): Promise<void> {
  const error = { scope: v.id, kind: c.kind, code: c.code, message: c.message, remediation: VAULT_WRITE_REMEDIATION };
  try {
    await session.write(async (tx) => {
      await enterVaultFence(tx.db, session.scanId);
      await tx.db.insert(scanErrors).values({ scanId: session.scanId, ...error });
      // not read this time, as the scan counts it: the stored vault (if any) says so too (one meaning of unreadable)
      await markUnreadable(tx.db, v.id, { code: c.code, message: c.message, remediation: VAULT_WRITE_REMEDIATION });
      await audit(tx, {
        action: "discovery.vault.unreadable",
        outcome: "failure",
        target: { type: "vault", id: v.id },
        details: {
          scanId: session.scanId,
          vault: v.name,
          accessStatus: c.kind,
          errors: [{ kind: c.kind, code: c.code ?? null }],
        },
      });
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

/**
 * The one meaning of an "unreadable" vault, for the scan summary, the dashboard, the vault list and the audit log:
 * its last scan could not list its objects (firewall, permission, network, … or its inventory could not be written).
 * A vault whose objects were listed is readable even if some details were denied or an item was skipped: those are
 * errors of a readable vault. Never-scanned vaults are neither.
 */
import { sql } from "drizzle-orm";
import { vaults } from "../db/schema";

/** What a scan learnt of one vault: `assets` is null when its object lists could not be read. */
export function readableAfterScan(outcome: { assets: readonly unknown[] | null }): boolean {
  return outcome.assets !== null;
}

/** For a stored vault row. */
export function isUnreadable(vault: { readable: boolean | null }): boolean {
  return vault.readable === false;
}

/** The same predicate in SQL, for counts and filters. */
export const unreadableVault = sql`${vaults.readable} is false`;

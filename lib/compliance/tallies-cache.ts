/**
 * The last evaluation's tallies, kept by the process that wrote them. A snapshot's tallies are one row per rule,
 * subscription and vault — 7,000 rows and 1.4 MB of JSON at 500 vaults — and every evaluation starts from the previous
 * snapshot's: reading them back from the database cost ~30 ms of an incremental evaluation's ~250. Keyed by snapshot
 * id, so another process's newer snapshot (or a rolled-back one) is simply a miss and the tallies are read.
 */
import { eq } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { complianceSnapshots, type TallyRow } from "../db/schema";
import { unpackTallies, type Tallies } from "./tallies";

let kept: { snapshotId: string; tallies: Tallies } | undefined;
let keeping = true;

/**
 * The web process of the single-container mode turns keeping off: its scans are evaluated in scan threads that end
 * with them, so what it would keep is only the 10-minute refresh's tallies — ~6 MB of the console's resident memory at
 * 1,000 vaults (a heap snapshot during bench:memory) to save ~30 ms of a refresh, and stale after every scan.
 */
export function keepNoTallies(): void {
  keeping = false;
  kept = undefined;
}

/** The tallies of this snapshot if this process kept them; handed over (the evaluation changes them in place). */
export function takeTallies(snapshotId: string): Tallies | undefined {
  if (kept?.snapshotId !== snapshotId) return undefined;
  const { tallies } = kept;
  kept = undefined;
  return tallies;
}

/** After the evaluation that wrote this snapshot committed. */
export function keepTallies(snapshotId: string, tallies: Tallies): void {
  if (keeping) kept = { snapshotId, tallies };
}

export async function storedTallies(db: DbOrTx, snapshotId: string): Promise<TallyRow[]> {
  const [row] = await db
    .select({ tallies: complianceSnapshots.tallies })
    .from(complianceSnapshots)
    .where(eq(complianceSnapshots.id, snapshotId));
  return row ? unpackTallies(row.tallies) : [];
}

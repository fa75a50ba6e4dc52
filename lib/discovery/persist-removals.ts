/** What a scan's listings say about the estate as a whole: subscriptions seen (and gone), vaults no longer listed. */
import { and, inArray, isNull, notInArray, sql } from "drizzle-orm";
import type { CloudSubscription } from "../cloud";
import type { DbOrTx } from "../db/client";
import { assets, subscriptions, vaults } from "../db/schema";
import { chunks, excludedSet } from "./persist";

export async function upsertSubscriptions(
  db: DbOrTx,
  subs: CloudSubscription[],
  opts: { markMissingRemoved: boolean },
): Promise<void> {
  await db.transaction(async (tx) => {
    for (const batch of chunks(subs))
      await tx
        .insert(subscriptions)
        .values(
          batch.map((s) => ({
            id: s.id,
            tenantId: s.tenantId ?? null,
            displayName: s.displayName,
            state: s.state ?? null,
          })),
        )
        .onConflictDoUpdate({
          target: subscriptions.id,
          set: excludedSet(subscriptions, ["tenantId", "displayName", "state"]),
        });
    if (opts.markMissingRemoved && subs.length)
      await tx
        .update(subscriptions)
        .set({ removedAt: sql`now()` })
        .where(
          and(
            isNull(subscriptions.removedAt),
            notInArray(
              subscriptions.id,
              subs.map((s) => s.id),
            ),
          ),
        );
  });
}

/** Vaults ARM no longer lists (in subscriptions whose listing completed) and their objects are marked removed. */
export async function markVaultsRemoved(db: DbOrTx, seenIds: string[], subscriptionIds: string[]): Promise<number> {
  if (!subscriptionIds.length) return 0;
  return db.transaction(async (tx) => {
    const cond = seenIds.length
      ? and(isNull(vaults.removedAt), inArray(vaults.subscriptionId, subscriptionIds), notInArray(vaults.id, seenIds))
      : and(isNull(vaults.removedAt), inArray(vaults.subscriptionId, subscriptionIds));
    const gone = await tx
      .update(vaults)
      .set({ removedAt: sql`now()` })
      .where(cond)
      .returning({ id: vaults.id });
    if (gone.length)
      await tx
        .update(assets)
        .set({ removedAt: sql`now()` })
        .where(
          and(
            isNull(assets.removedAt),
            inArray(
              assets.vaultId,
              gone.map((g) => g.id),
            ),
          ),
        );
    return gone.length;
  });
}

/**
 * Delivery history retention: finished outbox rows (delivered, failed, digested) older than the `alerts.history`
 * setting (default 90 days) are deleted in batches; pending, sending and held rows are never touched. Each run that
 * deletes something leaves one audit row saying how many and up to when, in the same transaction.
 */
import { and, inArray, lt, sql } from "drizzle-orm";
import { audit } from "../audit/record";
import type { Ctx } from "../context";
import { alertOutbox } from "../db/schema";
import { withTransaction } from "../db/transaction";
import { getSetting } from "../settings/store";

const BATCH = 5000;
const FINISHED = ["delivered", "failed", "digested"] as const;

export async function pruneDeliveryHistory(ctx: Ctx, now = new Date()): Promise<{ deleted: number; before: Date }> {
  return withTransaction(ctx, async (tx) => {
    const { days } = await getSetting(tx.db, "alerts.history");
    const before = new Date(now.getTime() - days * 86_400_000);
    let deleted = 0;
    for (;;) {
      const gone = await tx.db
        .delete(alertOutbox)
        .where(
          inArray(
            alertOutbox.id,
            sql`(select ${alertOutbox.id} from ${alertOutbox} where ${and(
              inArray(alertOutbox.status, [...FINISHED]),
              lt(alertOutbox.createdAt, before),
            )} limit ${BATCH})`,
          ),
        )
        .returning({ id: alertOutbox.id });
      deleted += gone.length;
      if (gone.length < BATCH) break;
    }
    if (deleted)
      await audit(tx, {
        action: "alerts.history.pruned",
        target: { type: "alert-history", id: "outbox" },
        details: { deleted, before: before.toISOString(), retentionDays: days },
      });
    return { deleted, before };
  });
}

import { inArray, isNull } from "drizzle-orm";
import { audit } from "../audit/record";
import { assertPermission } from "../auth/authorize";
import { actorLabel, type Ctx } from "../context";
import { scanRuns, subscriptions } from "../db/schema";
import type { DbOrTx } from "../db/client";
import { withTransaction } from "../db/transaction";
import { AppError } from "../errors";
import { parseInput } from "./parse-input";
import { ACTIVE_SCAN_STATUSES } from "./scan-read-models";
import { scanRequestInput, storedScope } from "./scan-request";

function isUniqueViolation(e: unknown): boolean {
  for (let x = e as { code?: string; cause?: unknown } | undefined, i = 0; x && i < 5; x = x.cause as typeof x, i++)
    if (x.code === "23505") return true;
  return false;
}

const conflict = () => new AppError("conflict", "A scan is already queued or running.");

/**
 * Operator+ (or the system): queues a scan, audited. Refuses (conflict) while another scan is queued or running; a
 * partial unique index settles concurrent requests. The trigger is who asked: the system's schedule or a person.
 */
export async function requestScan({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ scanId: string }> {
  assertPermission(ctx, "scan:run");
  const request = parseInput(scanRequestInput, input);
  const { mode } = request;
  const scope = storedScope(request);
  const trigger = ctx.actor.type === "system" ? "schedule" : "manual";
  try {
    return await withTransaction(ctx, async (tx) => {
      const [active] = await tx.db
        .select({ id: scanRuns.id })
        .from(scanRuns)
        .where(inArray(scanRuns.status, [...ACTIVE_SCAN_STATUSES]))
        .limit(1);
      if (active) throw conflict();
      await refuseUnknownSubscriptions(tx.db, scope.subscriptions ?? []);
      const [row] = await tx.db
        .insert(scanRuns)
        .values({ mode, scope, trigger, requestedBy: actorLabel(ctx.actor), status: "queued" })
        .returning({ id: scanRuns.id });
      await audit(tx, {
        action: "discovery.scan.requested",
        target: { type: "scan", id: row.id },
        details: { mode, scope, trigger },
      });
      return { scanId: row.id };
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict();
    throw e;
  }
}

/**
 * A scope naming subscriptions the inventory does not know is refused, naming them: a typo would otherwise queue a scan
 * that reads nothing. Before anything has been discovered every id is accepted (the scan itself is the discovery).
 */
async function refuseUnknownSubscriptions(db: DbOrTx, requested: string[]): Promise<void> {
  if (!requested.length) return;
  const known = await db.select({ id: subscriptions.id }).from(subscriptions).where(isNull(subscriptions.removedAt));
  if (!known.length) return;
  const ids = new Set(known.map((s) => s.id));
  const unknown = requested.filter((s) => !ids.has(s));
  if (unknown.length)
    throw new AppError(
      "invalid_input",
      `Unknown subscription${unknown.length === 1 ? "" : "s"}: ${unknown.join(", ")}. They are not in the inventory: check the id, or run a scan of everything to discover new subscriptions.`,
      { unknownSubscriptions: unknown },
    );
}

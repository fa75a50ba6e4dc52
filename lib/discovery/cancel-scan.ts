import { eq } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit/record";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { scanRuns, type ScanRun } from "../db/schema";
import { withTransaction } from "../db/transaction";
import { AppError } from "../errors";
import { parseInput } from "./parse-input";

export const cancelScanInput = z.object({ scanId: z.uuid() }).strict();

/** Operator+: cancels a queued scan now, or asks a running one to stop (its heartbeat sees it between vaults). */
export async function cancelScan({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<{ scanId: string; status: ScanRun["status"]; cancelRequested: boolean }> {
  assertPermission(ctx, "scan:run");
  const { scanId } = parseInput(cancelScanInput, input);
  return withTransaction(ctx, async (tx) => {
    const [run] = await tx.db.select().from(scanRuns).where(eq(scanRuns.id, scanId)).for("update");
    if (!run) throw new AppError("not_found", "Scan not found.");
    if (run.status === "queued") {
      await tx.db
        .update(scanRuns)
        .set({ status: "cancelled", cancelRequested: true, finishedAt: new Date() })
        .where(eq(scanRuns.id, scanId));
      await audit(tx, {
        action: "discovery.scan.cancelled",
        target: { type: "scan", id: scanId },
        details: { wasStatus: "queued" },
      });
      return { scanId, status: "cancelled" as const, cancelRequested: true };
    }
    if (run.status === "running") {
      await tx.db.update(scanRuns).set({ cancelRequested: true }).where(eq(scanRuns.id, scanId));
      await audit(tx, { action: "discovery.scan.cancel_requested", target: { type: "scan", id: scanId } });
      return { scanId, status: "running" as const, cancelRequested: true };
    }
    throw new AppError("conflict", `The scan has already finished (${run.status}).`);
  });
}

/**
 * Four eyes on rotations: when Settings → Automatic rotation requires approval, a rotation (manual or automatic) waits
 * in awaiting_approval until an Admin who did not request it approves (→ adding: the worker takes it) or rejects it
 * (→ cancelled: nothing was changed in the cloud). The decision, its state change and its audit row are one transaction.
 */
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit/record";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { rotations } from "../db/schema";
import { withTransaction } from "../db/transaction";
import { AppError } from "../errors";
import { guid, text } from "../validation";

const decideInput = z.object({
  rotationId: guid(),
  decision: z.enum(["approve", "reject"]),
  note: text(500).optional(),
});

export async function decideRotation({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertPermission(ctx, "rotation:approve");
  const { rotationId, decision, note } = decideInput.parse(input);
  if (ctx.actor.type !== "user") throw new AppError("forbidden", "Only a person can approve a rotation.");
  const actor = ctx.actor;
  return withTransaction(ctx, async (tx) => {
    const [r] = await tx.db.select().from(rotations).where(eq(rotations.id, rotationId)).for("update").limit(1);
    if (!r) throw new AppError("not_found", "No such rotation.");
    if (r.state !== "awaiting_approval")
      throw new AppError("conflict", `The rotation is ${r.state}, not awaiting approval.`);
    if (r.requestedBy.toLowerCase() === actor.upn.toLowerCase())
      throw new AppError("forbidden", "Four eyes: an Admin other than the requester must decide this rotation.");
    const [row] = await tx.db
      .update(rotations)
      .set({
        state: decision === "approve" ? "adding" : "cancelled",
        decidedBy: actor.upn,
        decidedAt: new Date(),
        ...(decision === "reject" ? { finishedAt: new Date() } : {}),
        updatedAt: new Date(),
      })
      .where(and(eq(rotations.id, r.id), eq(rotations.state, "awaiting_approval")))
      .returning();
    await audit(tx, {
      action: decision === "approve" ? "rotation.approved" : "rotation.rejected",
      target: { type: "rotation", id: r.id },
      details: { app: r.appObjectId, requestedBy: r.requestedBy, trigger: r.trigger, ...(note ? { note } : {}) },
    });
    return { rotationId: row.id, state: row.state };
  });
}

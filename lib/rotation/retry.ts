/** An Operator resumes a held rotation from the step it stopped at. */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { rotations } from "../db/schema";
import { dbOf } from "../db/transaction";
import { AppError } from "../errors";
import { guid } from "../validation";
import { transition } from "./store";

const input = z.object({ rotationId: guid() });

export async function retryRotation({ ctx, input: raw }: { ctx: Ctx; input: unknown }) {
  assertPermission(ctx, "rotation:run");
  const { rotationId } = input.parse(raw);
  const db = await dbOf(ctx);
  const [r] = await db.select().from(rotations).where(eq(rotations.id, rotationId)).limit(1);
  if (!r) throw new AppError("not_found", "No such rotation.");
  if (r.state !== "held" || !r.heldFrom) throw new AppError("conflict", "Only a held rotation can be retried.");
  const from = r.heldFrom;
  await transition(
    ctx,
    r,
    null,
    { state: from, heldFrom: null, heldReason: null, lockedBy: null, lockedUntil: null },
    from === "adding" ? [{ step: r.kind === "certificate" ? "add_key" : "add_password", status: "pending" }] : [],
    { action: "rotation.retried", details: { from, previousReason: r.heldReason } },
  );
  return { rotationId, state: from };
}

/** Read models: a rotation with its steps, and the rotation history (newest first). */
import { and, desc, eq, type SQL } from "drizzle-orm";
import { z } from "zod";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { rotations, type Rotation, type RotationStepRow } from "../db/schema";
import { dbOf } from "../db/transaction";
import { AppError } from "../errors";
import { guid, text } from "../validation";
import { stepsOf } from "./store";

export async function getRotation({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<{ rotation: Rotation; steps: RotationStepRow[] }> {
  assertPermission(ctx, "dashboard:read");
  const { rotationId } = z.object({ rotationId: guid() }).parse(input);
  const db = await dbOf(ctx);
  const [rotation] = await db.select().from(rotations).where(eq(rotations.id, rotationId)).limit(1);
  if (!rotation) throw new AppError("not_found", "No such rotation.");
  return { rotation, steps: await stepsOf(ctx, rotationId) };
}

export const ROTATION_STATES = [
  "awaiting_approval",
  "adding",
  "writing",
  "verifying",
  "overlap",
  "removing",
  "done",
  "held",
  "cancelled",
] as const;

const listInput = z.object({
  appObjectId: text(200).optional(),
  state: z.enum(ROTATION_STATES).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export async function listRotations({ ctx, input }: { ctx: Ctx; input?: unknown }): Promise<Rotation[]> {
  assertPermission(ctx, "dashboard:read");
  const i = listInput.parse(input ?? {});
  const where: SQL[] = [];
  if (i.appObjectId) where.push(eq(rotations.appObjectId, i.appObjectId));
  if (i.state) where.push(eq(rotations.state, i.state));
  const db = await dbOf(ctx);
  return db
    .select()
    .from(rotations)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(rotations.createdAt))
    .limit(i.limit);
}

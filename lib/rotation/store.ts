/**
 * All SQL of the rotation state machine: the lease (claim / renew / release) and the transitions. Every transition
 * is one transaction holding the rotation's state change, its step rows, its audit row and its alerts, and it only applies while
 * this worker holds the lease (a conditional UPDATE), so two replicas never advance the same rotation.
 */
import { and, asc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { audit, type AuditEntry } from "../audit/record";
import type { Ctx } from "../context";
import { rotations, rotationSteps, type Rotation, type RotationStep, type RotationStepRow } from "../db/schema";
import { dbOf, withTransaction } from "../db/transaction";
import { alertOnTransition } from "./alerts";

const ACTIVE_STATES = ["adding", "writing", "verifying", "removing"] as const;

export class LeaseLostError extends Error {
  constructor() {
    super("rotation lease lost");
    this.name = "LeaseLostError";
  }
}

/** Takes the lease on the oldest rotation with work to do (or null). */
export async function claimRotation(
  ctx: Ctx,
  worker: string,
  leaseMs: number,
  now = new Date(),
): Promise<Rotation | null> {
  return withTransaction(ctx, async (tx) => {
    const [c] = await tx.db
      .select({ id: rotations.id })
      .from(rotations)
      .where(
        and(
          or(
            inArray(rotations.state, [...ACTIVE_STATES]),
            and(eq(rotations.state, "overlap"), lt(rotations.overlapUntil, now)),
          ),
          or(isNull(rotations.lockedUntil), lt(rotations.lockedUntil, now)),
        ),
      )
      .orderBy(asc(rotations.createdAt))
      .limit(1)
      .for("update", { skipLocked: true });
    if (!c) return null;
    const [r] = await tx.db
      .update(rotations)
      .set({ lockedBy: worker, lockedUntil: new Date(now.getTime() + leaseMs) })
      .where(eq(rotations.id, c.id))
      .returning();
    return r;
  });
}

export async function renewLease(ctx: Ctx, id: string, worker: string, leaseMs: number): Promise<boolean> {
  const db = await dbOf(ctx);
  const r = await db
    .update(rotations)
    .set({ lockedUntil: new Date(Date.now() + leaseMs) })
    .where(and(eq(rotations.id, id), eq(rotations.lockedBy, worker)))
    .returning({ id: rotations.id });
  return r.length === 1;
}

export async function releaseLease(ctx: Ctx, id: string, worker: string): Promise<void> {
  const db = await dbOf(ctx);
  await db
    .update(rotations)
    .set({ lockedBy: null, lockedUntil: null })
    .where(and(eq(rotations.id, id), eq(rotations.lockedBy, worker)));
}

export interface StepChange {
  step: RotationStep;
  target?: string;
  status: RotationStepRow["status"];
  error?: string | null;
  detail?: Record<string, string>;
}

/**
 * One transition: the rotation's new fields (only while `worker` holds its lease), its step rows, one audit row.
 * Returns the updated rotation; throws LeaseLostError when another worker has taken over.
 */
export async function transition(
  ctx: Ctx,
  r: Rotation,
  worker: string | null,
  patch: Partial<Rotation>,
  steps: StepChange[],
  entry: AuditEntry,
): Promise<Rotation> {
  return withTransaction(ctx, async (tx) => {
    const cond = worker ? and(eq(rotations.id, r.id), eq(rotations.lockedBy, worker)) : eq(rotations.id, r.id);
    const [next] = await tx.db
      .update(rotations)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(cond)
      .returning();
    if (!next) throw new LeaseLostError();
    for (const s of steps) await upsertStep(tx, r.id, s);
    await audit(tx, { ...entry, target: { type: "rotation", id: r.id } });
    await alertOnTransition(tx, next, steps);
    return next;
  });
}

async function upsertStep(ctx: Ctx, rotationId: string, s: StepChange): Promise<void> {
  const db = await dbOf(ctx);
  const ended = s.status === "succeeded" || s.status === "failed" || s.status === "skipped";
  await db
    .insert(rotationSteps)
    .values({
      rotationId,
      step: s.step,
      target: s.target ?? "",
      status: s.status,
      attempts: s.status === "pending" ? 0 : 1,
      error: s.error ?? null,
      detail: s.detail ?? {},
      startedAt: s.status === "pending" ? null : new Date(),
      finishedAt: ended ? new Date() : null,
    })
    .onConflictDoUpdate({
      target: [rotationSteps.rotationId, rotationSteps.step, rotationSteps.target],
      set: {
        status: s.status,
        attempts: s.status === "pending" ? rotationSteps.attempts : sql`${rotationSteps.attempts} + 1`,
        error: s.error ?? null,
        ...(s.detail ? { detail: s.detail } : {}),
        startedAt: s.status === "pending" ? null : sql`coalesce(${rotationSteps.startedAt}, now())`,
        finishedAt: ended ? new Date() : null,
      },
    });
}

const STEP_ORDER: RotationStep[] = [
  "add_password",
  "write_secret",
  "remove_new",
  "verify",
  "update_reference",
  "overlap",
  "remove_old",
];

/** The steps in the order they run; removing the new secret again (after failed writes, or a restart) after the writes. */
export async function stepsOf(ctx: Ctx, rotationId: string): Promise<RotationStepRow[]> {
  const db = await dbOf(ctx);
  const rows = await db
    .select()
    .from(rotationSteps)
    .where(eq(rotationSteps.rotationId, rotationId))
    .orderBy(asc(rotationSteps.target));
  return rows.sort((a, b) => STEP_ORDER.indexOf(a.step) - STEP_ORDER.indexOf(b.step));
}

/** The step rows of a new rotation, all pending, in the order they run. */
export async function initSteps(
  ctx: Ctx,
  rotationId: string,
  targets: string[],
  kind: "secret" | "certificate" = "secret",
): Promise<void> {
  const db = await dbOf(ctx);
  const first: { step: RotationStep; target: string }[] =
    kind === "certificate"
      ? [
          { step: "create_certificate", target: "" },
          { step: "add_key", target: "" },
        ]
      : [{ step: "add_password", target: "" }, ...targets.map((target) => ({ step: "write_secret" as const, target }))];
  const rows: { step: RotationStep; target: string }[] = [
    ...first,
    { step: "verify", target: "" },
    { step: "overlap", target: "" },
    { step: "remove_old", target: "" },
  ];
  await db.insert(rotationSteps).values(rows.map((r) => ({ ...r, rotationId, status: "pending" as const })));
}

/**
 * Waivers: an Operator proposes an exception (rule × tenant, subscription, vault or object, a justification and an
 * expiry), an Admin other than the proposer approves or rejects it (four eyes). Approval re-evaluates in the same
 * transaction, so the covered failures leave the score at once; expiry needs no one — the evaluation stops applying
 * an expired waiver by itself (the refresh job and every scan run it). Each step is audited with the change.
 */
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit/record";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import type { DbOrTx } from "../db/client";
import { complianceObjects, complianceWaivers, subscriptions } from "../db/schema";
import { withTransaction } from "../db/transaction";
import { AppError } from "../errors";
import { isoDate, text } from "../validation";
import { ruleById } from "./catalogue";
import { evaluateCompliance } from "./evaluate-estate";

/** The longest a waiver may run: an exception is revisited at least once a year. */
export const MAX_WAIVER_DAYS = 366;
const DAY = 86_400_000;

const ruleId = z.string().refine((id) => !!ruleById(id), "Unknown rule.");
const scopeType = z.enum(["tenant", "subscription", "vault", "object"]);
const justification = text(1000, { min: 10, label: "The justification" });
const expiresAt = isoDate("end", "The expiry date");

export const proposeWaiverInput = z
  .object({ ruleId, scopeType, scopeId: text(400).default(""), justification, expiresAt })
  .strict();

export const proposeWaiversInput = z
  .object({
    items: z
      .array(z.object({ ruleId, objectId: text(400, { min: 1 }) }).strict())
      .min(1)
      .max(500),
    justification,
    expiresAt,
  })
  .strict();

export const decideWaiverInput = z
  .object({
    waiverId: z.uuid(),
    decision: z.enum(["approve", "reject"]),
    note: text(500).optional(),
  })
  .strict();

function proposer(ctx: Ctx) {
  if (ctx.actor.type !== "user") throw new AppError("forbidden", "Only a person can propose a waiver.");
  return { id: ctx.actor.oid, name: ctx.actor.upn };
}

function checkExpiry(at: Date, now: Date) {
  if (at.getTime() <= now.getTime()) throw new AppError("invalid_input", "The expiry date must be in the future.");
  if (at.getTime() > now.getTime() + MAX_WAIVER_DAYS * DAY)
    throw new AppError("invalid_input", `A waiver may run for at most ${MAX_WAIVER_DAYS} days.`);
}

/** What the scope names, checked against the inventory the evaluation knows. */
async function scopeLabel(db: DbOrTx, type: z.infer<typeof scopeType>, id: string): Promise<string> {
  if (type === "tenant") return "Whole tenant";
  if (type === "subscription") {
    const [s] = await db.select().from(subscriptions).where(eq(subscriptions.id, id.toLowerCase())).limit(1);
    if (!s) throw new AppError("invalid_input", "Unknown subscription.");
    return s.displayName;
  }
  const [o] = await db.select().from(complianceObjects).where(eq(complianceObjects.objectId, id)).limit(1);
  if (!o || (type === "vault" && o.scope !== "vault"))
    throw new AppError("invalid_input", type === "vault" ? "Unknown vault." : "Unknown object.");
  return o.vaultName && o.scope !== "vault" ? `${o.objectName} (${o.vaultName})` : o.objectName;
}

export async function proposeWaiver({ ctx, input, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }) {
  assertPermission(ctx, "waivers:propose");
  const v = proposeWaiverInput.parse(input);
  const who = proposer(ctx);
  checkExpiry(v.expiresAt, now);
  const scopeId = v.scopeType === "tenant" ? "" : v.scopeType === "subscription" ? v.scopeId.toLowerCase() : v.scopeId;
  if (v.scopeType !== "tenant" && !scopeId) throw new AppError("invalid_input", "Choose what the waiver covers.");
  return withTransaction(ctx, async (tx) => {
    const label = await scopeLabel(tx.db, v.scopeType, scopeId);
    const [w] = await tx.db
      .insert(complianceWaivers)
      .values({
        ruleId: v.ruleId,
        scopeType: v.scopeType,
        scopeId,
        scopeLabel: label,
        justification: v.justification,
        expiresAt: v.expiresAt,
        status: "proposed",
        proposedBy: who.id,
        proposedByName: who.name,
        proposedAt: now,
      })
      .returning();
    await audit(tx, {
      action: "compliance.waiver.proposed",
      target: { type: "waiver", id: w.id },
      details: { ruleId: v.ruleId, scopeType: v.scopeType, scopeId, expiresAt: v.expiresAt.toISOString() },
    });
    return w;
  });
}

/** Bulk proposal from the findings list: one object-scoped waiver per selected finding, one transaction. */
export async function proposeWaivers({ ctx, input, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }) {
  assertPermission(ctx, "waivers:propose");
  const v = proposeWaiversInput.parse(input);
  proposer(ctx);
  checkExpiry(v.expiresAt, now);
  return withTransaction(ctx, async (tx) => {
    const ids: string[] = [];
    for (const item of v.items) {
      const w = await proposeWaiver({
        ctx: tx,
        input: {
          ruleId: item.ruleId,
          scopeType: "object",
          scopeId: item.objectId,
          justification: v.justification,
          expiresAt: v.expiresAt.toISOString(),
        },
        now,
      });
      ids.push(w.id);
    }
    return { proposed: ids.length, ids };
  });
}

export async function decideWaiver({ ctx, input, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }) {
  assertPermission(ctx, "waivers:decide");
  const { waiverId, decision, note } = decideWaiverInput.parse(input);
  if (ctx.actor.type !== "user") throw new AppError("forbidden", "Only a person can decide a waiver.");
  const actor = ctx.actor;
  return withTransaction(ctx, async (tx) => {
    const [w] = await tx.db
      .select()
      .from(complianceWaivers)
      .where(eq(complianceWaivers.id, waiverId))
      .for("update")
      .limit(1);
    if (!w) throw new AppError("not_found", "Waiver not found.");
    if (w.status !== "proposed") throw new AppError("conflict", `The waiver is already ${w.status}.`);
    if (w.proposedBy === actor.oid)
      throw new AppError("forbidden", "Four eyes: someone other than the proposer must decide this waiver.");
    if (decision === "approve" && w.expiresAt.getTime() <= now.getTime())
      throw new AppError("conflict", "The waiver has expired before it was approved; propose it again.");
    const [row] = await tx.db
      .update(complianceWaivers)
      .set({
        status: decision === "approve" ? "approved" : "rejected",
        decidedBy: actor.oid,
        decidedByName: actor.upn,
        decidedAt: now,
        decisionNote: note ?? null,
      })
      .where(and(eq(complianceWaivers.id, w.id), eq(complianceWaivers.status, "proposed")))
      .returning();
    await audit(tx, {
      action: decision === "approve" ? "compliance.waiver.approved" : "compliance.waiver.rejected",
      target: { type: "waiver", id: w.id },
      details: { ruleId: w.ruleId, scopeType: w.scopeType, scopeId: w.scopeId, proposedBy: w.proposedByName, note },
    });
    if (decision === "approve") await evaluateCompliance({ ctx: tx, input: { trigger: "waiver" }, now });
    return row;
  });
}

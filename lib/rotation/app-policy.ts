/** An Admin's per-app switch for automatic rotation (always / never / follow the patterns), audited. */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit/record";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { appRegistrations, rotationAppPolicies } from "../db/schema";
import { dbOf, withTransaction } from "../db/transaction";
import { AppError } from "../errors";
import { text } from "../validation";

export type AppAutoRotation = "rules" | "always" | "never";

const input = z.object({ appObjectId: text(200, { min: 1 }), auto: z.enum(["rules", "always", "never"]) });

/** Read verb: the apps whose switch overrides the patterns, by name (Settings → Automatic rotation lists them). */
export async function listAppAutoOverrides({ ctx }: { ctx: Ctx }) {
  assertPermission(ctx, "dashboard:read");
  const db = await dbOf(ctx);
  return db
    .select({
      appObjectId: rotationAppPolicies.appObjectId,
      displayName: appRegistrations.displayName,
      auto: rotationAppPolicies.auto,
      decidedBy: rotationAppPolicies.decidedBy,
      decidedAt: rotationAppPolicies.decidedAt,
    })
    .from(rotationAppPolicies)
    .innerJoin(appRegistrations, eq(appRegistrations.id, rotationAppPolicies.appObjectId))
    .orderBy(appRegistrations.displayName);
}

/** Every app with a switch set (the rotation-auto pass reads them once). */
export async function appAutoPolicies(ctx: Ctx): Promise<Map<string, "always" | "never">> {
  const db = await dbOf(ctx);
  const rows = await db.select().from(rotationAppPolicies);
  return new Map(rows.map((r) => [r.appObjectId, r.auto]));
}

export async function appAutoRotation(ctx: Ctx, appObjectId: string): Promise<AppAutoRotation> {
  const db = await dbOf(ctx);
  const [row] = await db
    .select({ auto: rotationAppPolicies.auto })
    .from(rotationAppPolicies)
    .where(eq(rotationAppPolicies.appObjectId, appObjectId));
  return row?.auto ?? "rules";
}

export async function setAppAutoRotation({ ctx, input: raw }: { ctx: Ctx; input: unknown }) {
  assertPermission(ctx, "settings:write");
  const i = input.parse(raw);
  const by = ctx.actor.type === "user" ? ctx.actor.upn : ctx.actor.type === "system" ? ctx.actor.job : "anonymous";
  return withTransaction(ctx, async (tx) => {
    const [app] = await tx.db
      .select({ kind: appRegistrations.kind })
      .from(appRegistrations)
      .where(eq(appRegistrations.id, i.appObjectId));
    if (!app || app.kind !== "application") throw new AppError("not_found", "No such application registration.");
    const [before] = await tx.db
      .select({ auto: rotationAppPolicies.auto })
      .from(rotationAppPolicies)
      .where(eq(rotationAppPolicies.appObjectId, i.appObjectId))
      .for("update");
    const from: AppAutoRotation = before?.auto ?? "rules";
    if (i.auto === "rules")
      await tx.db.delete(rotationAppPolicies).where(eq(rotationAppPolicies.appObjectId, i.appObjectId));
    else
      await tx.db
        .insert(rotationAppPolicies)
        .values({ appObjectId: i.appObjectId, auto: i.auto, decidedBy: by })
        .onConflictDoUpdate({
          target: rotationAppPolicies.appObjectId,
          set: { auto: i.auto, decidedBy: by, decidedAt: new Date() },
        });
    await audit(tx, {
      action: "rotation.app_policy.changed",
      target: { type: "application", id: i.appObjectId },
      details: { from, to: i.auto },
    });
    return { appObjectId: i.appObjectId, auto: i.auto };
  });
}

/** An Operator confirms or rejects a link between a Key Vault secret and an app registration. */
import { z } from "zod";
import { audit } from "../audit/record";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { rotationLinkDecisions } from "../db/schema";
import { withTransaction } from "../db/transaction";
import { AppError } from "../errors";
import { text } from "../validation";
import { loadAppLinks } from "./app-links";

const input = z.object({
  appObjectId: text(200, { min: 1 }),
  vaultId: text(400, { min: 1 }),
  secretName: text(127, { min: 1 }),
  decision: z.enum(["confirmed", "rejected"]),
});

export async function decideLink({ ctx, input: raw }: { ctx: Ctx; input: unknown }) {
  assertPermission(ctx, "rotation:run");
  const i = input.parse(raw);
  const by = ctx.actor.type === "user" ? ctx.actor.upn : ctx.actor.type === "system" ? ctx.actor.job : "anonymous";
  return withTransaction(ctx, async (tx) => {
    const { links } = await loadAppLinks(tx, i.appObjectId);
    const link = links.find((l) => l.secret.vaultId === i.vaultId && l.secret.name === i.secretName);
    if (!link) throw new AppError("not_found", "That secret is not a candidate for this application.");
    await tx.db
      .insert(rotationLinkDecisions)
      .values({ ...i, decidedBy: by })
      .onConflictDoUpdate({
        target: [rotationLinkDecisions.vaultId, rotationLinkDecisions.secretName, rotationLinkDecisions.appObjectId],
        set: { decision: i.decision, decidedBy: by, decidedAt: new Date() },
      });
    await audit(tx, {
      action: `rotation.link.${i.decision}`,
      target: { type: "app", id: i.appObjectId },
      details: { vault: link.secret.vaultName, secret: i.secretName, previousSource: link.source },
    });
    return { decision: i.decision };
  });
}

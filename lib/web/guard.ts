import { audit } from "../audit/record";
import { rolesGrant, type Permission } from "../auth/permissions";
import type { Ctx } from "../context";
import { AppError } from "../errors";

/** What a transport declares: a permission from the matrix, any signed-in user, or public. */
export type Access = Permission | "authenticated" | "public";

/** Throws unauthenticated/forbidden and audits the denial; returns normally when `access` is granted. */
export async function enforce(ctx: Ctx, access: Access, what: string): Promise<void> {
  if (access === "public") return;
  if (ctx.actor.type === "anonymous") throw new AppError("unauthenticated", "Sign in to continue.");
  if (access === "authenticated" || ctx.actor.type === "system") return;
  if (rolesGrant(ctx.actor.roles, access)) return;
  await audit(ctx, {
    action: "auth.access.denied",
    outcome: "denied",
    target: { type: "endpoint", id: what },
    details: { required: access, roles: ctx.actor.roles },
  });
  throw new AppError(
    "forbidden",
    "Your role does not allow this. Ask an administrator to assign a CertifyClouds app role.",
  );
}

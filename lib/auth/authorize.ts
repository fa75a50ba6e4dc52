import type { Ctx } from "../context";
import { AppError } from "../errors";
import { rolesGrant, type Permission } from "./permissions";

/** Services check again what the transport already checked: the scheduler and tests call them directly. */
export function assertPermission(ctx: Ctx, permission: Permission): void {
  const a = ctx.actor;
  if (a.type === "system") return;
  if (a.type === "anonymous") throw new AppError("unauthenticated", "Sign in to continue.");
  if (!rolesGrant(a.roles, permission)) throw new AppError("forbidden", "Your role does not allow this action.");
}

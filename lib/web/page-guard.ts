import { forbidden, redirect } from "next/navigation";
import type { Ctx } from "../context";
import { AppError } from "../errors";
import { enforce, type Access } from "./guard";
import { currentCtx } from "./session";

export type UserCtx = Ctx & { actor: Extract<Ctx["actor"], { type: "user" }> };

/**
 * Server components call this first: anonymous → sign-in page, no app role → the no-access page,
 * missing permission → audited 403 page.
 */
export async function requirePage(access: Access, path: string): Promise<UserCtx> {
  const ctx = await currentCtx();
  if (ctx.actor.type !== "user") redirect(`/signin?callbackUrl=${encodeURIComponent(path)}`);
  if (ctx.actor.roles.length === 0 && access !== "authenticated") redirect("/no-access");
  try {
    await enforce(ctx, access, `page ${path}`);
  } catch (err) {
    if (err instanceof AppError && err.code === "forbidden") forbidden();
    throw err;
  }
  return ctx as UserCtx;
}

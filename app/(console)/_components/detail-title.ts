import type { Metadata } from "next";
import type { Ctx } from "@/lib/context";
import { rolesGrant } from "@/lib/auth/permissions";
import { currentCtx } from "@/lib/web/session";

/**
 * A detail page's browser title is the thing's name ("kv-payments · CertifyClouds"), so tabs and history can be
 * told apart. Read quietly: without the permission, or when the thing is missing, the generic title stays and the
 * page itself answers (403 / 404, audited there once).
 */
export async function detailTitle(fallback: string, name: (ctx: Ctx) => Promise<string>): Promise<Metadata> {
  const ctx = await currentCtx();
  if (ctx.actor.type !== "user" || !rolesGrant(ctx.actor.roles, "dashboard:read")) return { title: fallback };
  try {
    return { title: await name(ctx) };
  } catch {
    return { title: fallback };
  }
}

import { cookies, headers } from "next/headers";
import { cache } from "react";
import { resolveSession } from "../auth/session-store";
import { userActor, type Ctx } from "../context";
import { getDb } from "../db/client";
import { sessionCookieName } from "./cookies";
import { requestMetaFrom } from "./request-meta";

/**
 * Who is calling: resolved from the session cookie against the sessions table on every request (revocation is
 * immediate). Memoised per request with React's cache(), so the layout and the page share one lookup.
 */
export const currentCtx = cache(resolveCurrentCtx);

async function resolveCurrentCtx(): Promise<Ctx> {
  const [jar, hdrs] = await Promise.all([cookies(), headers()]);
  const request = requestMetaFrom(hdrs);
  const token = jar.get(sessionCookieName())?.value;
  if (!token) return { actor: { type: "anonymous" }, request };
  const resolved = await resolveSession(await getDb(), token);
  if (!resolved) return { actor: { type: "anonymous" }, request };
  const { user, roles, session } = resolved;
  return { actor: userActor(user, roles, session.id), request };
}

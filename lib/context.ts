import { randomUUID } from "node:crypto";
import type { Role } from "./auth/permissions";

export type Actor =
  | { type: "user"; userId: string; oid: string; upn: string; name: string; roles: Role[]; sessionId?: string }
  | { type: "system"; job: string }
  | { type: "anonymous" };

export interface RequestMeta {
  ip?: string;
  userAgent?: string;
  requestId: string;
}

/** Who is acting and from where: passed to every service verb and recorded by the audit log. */
export interface Ctx {
  actor: Actor;
  request: RequestMeta;
}

export function systemCtx(job: string): Ctx {
  return { actor: { type: "system", job }, request: { requestId: randomUUID() } };
}

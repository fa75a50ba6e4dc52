import { randomUUID } from "node:crypto";
import type { DbOrTx, Tx } from "./db/client";
import type { Role } from "./roles";

export type UserActor = {
  type: "user";
  userId: string;
  oid: string;
  upn: string;
  name: string;
  roles: Role[];
  sessionId?: string;
};

export type Actor = UserActor | { type: "system"; job: string } | { type: "anonymous" };

export interface RequestMeta {
  ip?: string;
  userAgent?: string;
  /** Minted by the server for every request (never the client's X-Request-Id). */
  requestId: string;
  /** The trusted ingress's own request id (TRUST_PROXY only), for correlating with its logs. */
  ingressRequestId?: string;
}

/**
 * Who is acting, from where, and on which database handle: the first argument of every service verb.
 * `db` is optional — absent means the process-wide handle; an open transaction means "join it", so a verb called
 * inside another verb's transaction commits or rolls back with it (see withTransaction).
 */
export interface Ctx {
  actor: Actor;
  request: RequestMeta;
  db?: DbOrTx;
}

/** A verb's one argument: the caller's ctx and its input, unparsed (each verb parses it with its own schema). */
export interface VerbArgs {
  ctx: Ctx;
  input?: unknown;
}

/** A read verb whose answer depends on the time: `now` pins its clock (tests, and one instant per page). */
export interface TimedVerbArgs extends VerbArgs {
  now?: Date;
}

/** A context whose `db` is an open transaction: verbs called with it join that transaction. */
export type TxCtx = Ctx & { db: Tx };

export function systemCtx(job: string, db?: DbOrTx): Ctx {
  return { actor: { type: "system", job }, request: { requestId: randomUUID() }, ...(db ? { db } : {}) };
}

/** The one Actor built from a stored user and the roles resolved at sign-in or session lookup. */
export function userActor(
  user: { id: string; oid: string; upn: string; name: string },
  roles: Role[],
  sessionId?: string,
): UserActor {
  return { type: "user", userId: user.id, oid: user.oid, upn: user.upn, name: user.name, roles, sessionId };
}

/** The one human-readable label for an actor (audit lists, "requested by", logs). */
export function actorLabel(actor: Actor): string {
  if (actor.type === "user") return actor.upn;
  if (actor.type === "system") return `system:${actor.job}`;
  return "anonymous";
}

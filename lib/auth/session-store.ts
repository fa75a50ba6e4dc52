import { createHash } from "node:crypto";
import { and, desc, eq, gt, lt } from "drizzle-orm";
import { getConfig } from "../config";
import type { Db } from "../db/client";
import { sessions, users, type Session, type User } from "../db/schema";
import type { Ctx } from "../context";
import { dbOf } from "../db/transaction";
import { assertPermission } from "./authorize";
import { isRole, type Role } from "./permissions";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** last_seen_at is written at most this often, so every page view is not a write. */
const TOUCH_INTERVAL_MS = 15_000;

export interface ResolvedSession {
  session: Session;
  user: User;
  roles: Role[];
}

/**
 * The single check of a session token, used by next-auth's adapter and by every authorisation wrapper:
 * unknown, past its absolute end, or idle too long → removed and rejected. Revocation is deleting the row.
 */
export async function resolveSession(db: Db, token: string, now = new Date()): Promise<ResolvedSession | null> {
  const [row] = await db
    .select()
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.tokenHash, hashToken(token)))
    .limit(1);
  if (!row) return null;
  const { sessions: session, users: user } = row;
  const idleMs = getConfig().auth.sessionIdleTimeoutSeconds * 1000;
  if (session.expires <= now || now.getTime() - session.lastSeenAt.getTime() > idleMs) {
    await db.delete(sessions).where(eq(sessions.id, session.id));
    return null;
  }
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, session.id));
  }
  return { session, user, roles: user.roles.filter(isRole) };
}

export async function createSessionRow(
  db: Db,
  input: { token: string; userId: string; expires: Date; ip?: string; userAgent?: string },
): Promise<Session> {
  const [row] = await db
    .insert(sessions)
    .values({
      tokenHash: hashToken(input.token),
      userId: input.userId,
      expires: input.expires,
      ip: input.ip ?? null,
      userAgent: input.userAgent?.slice(0, 512) ?? null,
    })
    .returning();
  return row;
}

export async function deleteSessionByToken(db: Db, token: string): Promise<Session | undefined> {
  const [row] = await db
    .delete(sessions)
    .where(eq(sessions.tokenHash, hashToken(token)))
    .returning();
  return row;
}

export interface ActiveSession {
  id: string;
  userOid: string;
  upn: string;
  name: string;
  roles: string[];
  createdAt: Date;
  lastSeenAt: Date;
  expires: Date;
  ip: string | null;
  userAgent: string | null;
}

/** Admin read: every user's live sessions (no token material). */
export async function listActiveSessions(ctx: Ctx, now = new Date()): Promise<ActiveSession[]> {
  assertPermission(ctx, "sessions:manage");
  const db = await dbOf(ctx);
  const idleCutoff = new Date(now.getTime() - getConfig().auth.sessionIdleTimeoutSeconds * 1000);
  const rows = await db
    .select({
      id: sessions.id,
      userOid: users.oid,
      upn: users.upn,
      name: users.name,
      roles: users.roles,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expires: sessions.expires,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(gt(sessions.expires, now), gt(sessions.lastSeenAt, idleCutoff)))
    .orderBy(desc(sessions.lastSeenAt));
  return rows;
}

/** Housekeeping: drops sessions that can no longer be used. */
/** Housekeeping verb (scheduler): deletes expired and idle sessions. */
export async function purgeDeadSessions(ctx: Ctx, now = new Date()): Promise<void> {
  const db = await dbOf(ctx);
  const idleCutoff = new Date(now.getTime() - getConfig().auth.sessionIdleTimeoutSeconds * 1000);
  await db.delete(sessions).where(lt(sessions.expires, now));
  await db.delete(sessions).where(lt(sessions.lastSeenAt, idleCutoff));
}

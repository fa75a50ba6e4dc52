import { and, count, desc, gt } from "drizzle-orm";
import { getConfig } from "../config";
import { getDbHandle } from "../db/client";
import { auditLog, sessions, users } from "../db/schema";

export interface SystemOverview {
  database: "PostgreSQL" | "Embedded (PGlite)";
  auditEntries: number;
  lastAuditAt: Date | null;
  activeSessions: number;
  knownUsers: number;
}

export async function systemOverview(): Promise<SystemOverview> {
  const { db, kind } = await getDbHandle();
  const now = new Date();
  const idleCutoff = new Date(now.getTime() - getConfig().auth.sessionIdleTimeoutSeconds * 1000);
  const [[a], [last], [s], [u]] = await Promise.all([
    db.select({ n: count() }).from(auditLog),
    db.select({ at: auditLog.at }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1),
    db.select({ n: count() }).from(sessions).where(and(gt(sessions.expires, now), gt(sessions.lastSeenAt, idleCutoff))),
    db.select({ n: count() }).from(users),
  ]);
  return {
    database: kind === "postgres" ? "PostgreSQL" : "Embedded (PGlite)",
    auditEntries: Number(a.n),
    lastAuditAt: last?.at ?? null,
    activeSessions: Number(s.n),
    knownUsers: Number(u.n),
  };
}

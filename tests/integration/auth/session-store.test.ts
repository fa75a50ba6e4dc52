import { randomBytes, randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { verifyAuditChain } from "@/lib/audit/verify";
import type { Role } from "@/lib/auth/permissions";
import { revokeSession } from "@/lib/sessions";
import {
  createSessionRow,
  hashToken,
  listActiveSessions,
  purgeDeadSessions,
  resolveSession,
} from "@/lib/auth/session-store";
import { upsertUserFromSignIn } from "@/lib/auth/users";
import { systemCtx, type Ctx } from "@/lib/context";
import { getDb } from "@/lib/db/client";
import { auditLog, sessions, type User } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { setupTestDb, type TestDb } from "../../helpers/test-db";

/** Calls the real audit(); a test can make the next call fail after it has written, to prove the rollback. */
const auditHook = vi.hoisted(() => ({ failNext: false, txKinds: [] as string[] }));
vi.mock("@/lib/audit/record", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/audit/record")>();
  return {
    ...real,
    audit: async (...args: Parameters<typeof real.audit>) => {
      auditHook.txKinds.push("rollback" in ((args[0] as Ctx).db ?? {}) ? "transaction" : "db");
      const out = await real.audit(...args);
      if (auditHook.failNext) {
        auditHook.failNext = false;
        throw new Error("injected failure after the audit insert");
      }
      return out;
    },
  };
});

const MIN = 60_000;
const IDLE_MIN = 30; // SESSION_IDLE_TIMEOUT_MINUTES set below

let t: TestDb;
const people: Record<"admin" | "operator" | "viewer" | "victim", User> = {} as never;

beforeAll(async () => {
  t = await setupTestDb({ SESSION_IDLE_TIMEOUT_MINUTES: String(IDLE_MIN) });
  const db = await getDb();
  const mk = (key: string, roles: string[]) =>
    upsertUserFromSignIn(db, {
      oid: randomUUID(),
      tenantId: "11111111-2222-3333-4444-555555555555",
      upn: `${key}@contoso.example`,
      name: key,
      roles: roles as Role[],
    });
  people.admin = await mk("admin", ["CertifyClouds.Admin"]);
  people.operator = await mk("operator", ["CertifyClouds.Operator"]);
  people.viewer = await mk("viewer", ["CertifyClouds.Viewer"]);
  // An unknown role string stored for the user must never surface as an effective role.
  people.victim = await mk("victim", ["CertifyClouds.Auditor", "CertifyClouds.Owner"]);
});
afterAll(async () => t.cleanup());

beforeEach(() => {
  auditHook.failNext = false;
  auditHook.txKinds = [];
});

const newToken = () => randomBytes(32).toString("base64url");

async function newSession(user: User, opts: { expiresInMs?: number; ip?: string } = {}) {
  const token = newToken();
  const row = await createSessionRow(await getDb(), {
    token,
    userId: user.id,
    expires: new Date(Date.now() + (opts.expiresInMs ?? 8 * 60 * MIN)),
    ip: opts.ip,
    userAgent: "vitest",
  });
  return { token, row };
}

async function sessionExists(id: string): Promise<boolean> {
  const rows = await (await getDb()).select({ id: sessions.id }).from(sessions).where(eq(sessions.id, id));
  return rows.length === 1;
}

async function auditCount(): Promise<number> {
  const [{ n }] = await (await getDb()).select({ n: sql<number>`count(*)::int` }).from(auditLog);
  return n;
}

const ctxOf = (u: User, requestId = `req-${randomUUID()}`): Ctx => ({
  actor: {
    type: "user",
    userId: u.id,
    oid: u.oid,
    upn: u.upn,
    name: u.name,
    roles: u.roles.filter((r): r is Role => r.startsWith("CertifyClouds.")) as Role[],
  },
  request: { requestId, ip: "198.51.100.20", userAgent: "vitest-session-store" },
});

describe("resolveSession", () => {
  it("resolves a valid session to its user and effective roles (unknown stored roles dropped)", async () => {
    const { token, row } = await newSession(people.victim);
    const r = await resolveSession(await getDb(), token);
    expect(r).not.toBeNull();
    expect(r!.session.id).toBe(row.id);
    expect(r!.user.id).toBe(people.victim.id);
    expect(r!.user.upn).toBe("victim@contoso.example");
    expect(r!.roles).toEqual(["CertifyClouds.Auditor"]);
  });

  it("returns null for an unknown token and for the hash used as a token", async () => {
    const { row } = await newSession(people.viewer);
    expect(await resolveSession(await getDb(), newToken())).toBeNull();
    expect(await resolveSession(await getDb(), row.tokenHash)).toBeNull();
    expect(await sessionExists(row.id)).toBe(true);
  });

  it("rejects and deletes a session past its absolute expiry", async () => {
    const { token, row } = await newSession(people.viewer, { expiresInMs: -1000 });
    expect(await resolveSession(await getDb(), token)).toBeNull();
    expect(await sessionExists(row.id)).toBe(false);
  });

  it("rejects and deletes a session when `now` reaches its expiry, even if recently active", async () => {
    const { token, row } = await newSession(people.viewer, { expiresInMs: 10 * MIN });
    expect(await resolveSession(await getDb(), token, new Date(row.expires.getTime()))).toBeNull();
    expect(await sessionExists(row.id)).toBe(false);
  });

  it("rejects and deletes a session idle longer than SESSION_IDLE_TIMEOUT_MINUTES", async () => {
    const { token, row } = await newSession(people.viewer);
    const later = new Date(row.lastSeenAt.getTime() + (IDLE_MIN + 1) * MIN);
    expect(await resolveSession(await getDb(), token, later)).toBeNull();
    expect(await sessionExists(row.id)).toBe(false);
    // Gone for good: a later "now" does not bring it back.
    expect(await resolveSession(await getDb(), token)).toBeNull();
  });

  it("keeps a session active within the idle limit and slides lastSeenAt forward", async () => {
    const { token, row } = await newSession(people.viewer);
    const t1 = new Date(row.lastSeenAt.getTime() + (IDLE_MIN - 1) * MIN);
    const r1 = await resolveSession(await getDb(), token, t1);
    expect(r1?.session.id).toBe(row.id);
    const [stored] = await (await getDb()).select().from(sessions).where(eq(sessions.id, row.id));
    expect(stored.lastSeenAt.getTime()).toBe(t1.getTime());
    // Another 29 minutes after the touch is still within the idle limit (58 minutes after creation).
    const t2 = new Date(t1.getTime() + (IDLE_MIN - 1) * MIN);
    expect((await resolveSession(await getDb(), token, t2))?.session.id).toBe(row.id);
  });

  it("stores the token only as a SHA-256 hash: the raw token appears nowhere in the sessions table", async () => {
    const { token, row } = await newSession(people.operator, { ip: "203.0.113.77" });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.tokenHash).not.toBe(token);
    const res = (await (await getDb()).execute(sql`select row_to_json(s)::text as j from sessions s`)) as unknown as {
      rows: { j: string }[];
    };
    const dump = res.rows.map((r) => r.j).join("\n");
    expect(dump).toContain(row.tokenHash);
    expect(dump).not.toContain(token);
  });
});

describe("listActiveSessions / purgeDeadSessions", () => {
  it("lists live sessions with their user, newest activity first, excluding expired and idle ones", async () => {
    const db = await getDb();
    const live1 = await newSession(people.operator, { ip: "203.0.113.1" });
    const live2 = await newSession(people.admin, { ip: "203.0.113.2" });
    await db
      .update(sessions)
      .set({ lastSeenAt: new Date(Date.now() - 10 * MIN) })
      .where(eq(sessions.id, live1.row.id));
    const expired = await newSession(people.operator, { expiresInMs: -MIN });
    const idle = await newSession(people.operator);
    await db
      .update(sessions)
      .set({ lastSeenAt: new Date(Date.now() - (IDLE_MIN + 5) * MIN) })
      .where(eq(sessions.id, idle.row.id));

    const list = await listActiveSessions(ctxOf(people.admin));
    await expect(listActiveSessions(ctxOf(people.viewer))).rejects.toMatchObject({ code: "forbidden" });
    const ids = list.map((s) => s.id);
    expect(ids).toContain(live1.row.id);
    expect(ids).toContain(live2.row.id);
    expect(ids).not.toContain(expired.row.id);
    expect(ids).not.toContain(idle.row.id);
    expect(ids.indexOf(live2.row.id)).toBeLessThan(ids.indexOf(live1.row.id));
    for (let i = 1; i < list.length; i++)
      expect(list[i - 1].lastSeenAt.getTime()).toBeGreaterThanOrEqual(list[i].lastSeenAt.getTime());
    const s1 = list.find((s) => s.id === live1.row.id)!;
    expect(s1).toMatchObject({
      userOid: people.operator.oid,
      upn: "operator@contoso.example",
      roles: ["CertifyClouds.Operator"],
      ip: "203.0.113.1",
      userAgent: "vitest",
    });
    expect(Object.keys(s1)).not.toContain("tokenHash");

    await purgeDeadSessions(systemCtx("session-cleanup"));
    expect(await sessionExists(expired.row.id)).toBe(false);
    expect(await sessionExists(idle.row.id)).toBe(false);
    expect(await sessionExists(live1.row.id)).toBe(true);
    expect(await sessionExists(live2.row.id)).toBe(true);
  });
});

describe("revokeSession verb", () => {
  async function expectAppError(p: Promise<unknown>, code: string) {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err, `expected AppError ${code}`).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(code);
  }

  it("Admin revokes: row gone, token stops resolving, audited inside the same transaction", async () => {
    const db = await getDb();
    const victim = await newSession(people.victim);
    const ctx = ctxOf(people.admin);
    expect(await revokeSession({ ctx, input: { sessionId: victim.row.id } })).toEqual({ revoked: true });
    expect(await sessionExists(victim.row.id)).toBe(false);
    expect(await resolveSession(db, victim.token)).toBeNull();

    const rows = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "auth.session.revoked"), eq(auditLog.targetId, victim.row.id)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorType: "user",
      actorId: people.admin.oid,
      actorName: "admin@contoso.example",
      outcome: "success",
      targetType: "session",
      requestId: ctx.request.requestId,
      ip: "198.51.100.20",
      details: { userOid: people.victim.oid, userUpn: "victim@contoso.example" },
    });
    expect(auditHook.txKinds).toEqual(["transaction"]);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it("rolls the revocation back when its audit entry fails (same transaction)", async () => {
    const victim = await newSession(people.victim);
    const before = await auditCount();
    auditHook.failNext = true;
    await expect(revokeSession({ ctx: ctxOf(people.admin), input: { sessionId: victim.row.id } })).rejects.toThrow(
      /injected failure/,
    );
    expect(await sessionExists(victim.row.id)).toBe(true);
    expect(await auditCount()).toBe(before);
    expect((await resolveSession(await getDb(), victim.token))?.session.id).toBe(victim.row.id);
  });

  it.each(["viewer", "operator"] as const)("%s gets forbidden and nothing changes", async (who) => {
    const victim = await newSession(people.victim);
    const before = await auditCount();
    await expectAppError(revokeSession({ ctx: ctxOf(people[who]), input: { sessionId: victim.row.id } }), "forbidden");
    expect(await sessionExists(victim.row.id)).toBe(true);
    expect(await auditCount()).toBe(before);
  });

  it("anonymous gets unauthenticated", async () => {
    const victim = await newSession(people.victim);
    await expectAppError(
      revokeSession({
        ctx: { actor: { type: "anonymous" }, request: { requestId: "req-anon-0001" } },
        input: { sessionId: victim.row.id },
      }),
      "unauthenticated",
    );
    expect(await sessionExists(victim.row.id)).toBe(true);
  });

  it("an unknown session id is not_found and writes no audit row", async () => {
    const before = await auditCount();
    await expectAppError(revokeSession({ ctx: ctxOf(people.admin), input: { sessionId: randomUUID() } }), "not_found");
    expect(await auditCount()).toBe(before);
  });

  it("a malformed id is rejected by input validation", async () => {
    await expect(revokeSession({ ctx: ctxOf(people.admin), input: { sessionId: "not-a-uuid" } })).rejects.toMatchObject(
      { name: "ZodError" },
    );
  });

  it("the system actor (scheduler) may revoke and is recorded as such", async () => {
    const victim = await newSession(people.victim);
    await revokeSession({
      ctx: { actor: { type: "system", job: "session-cleanup" }, request: { requestId: "req-sys-00001" } },
      input: { sessionId: victim.row.id },
    });
    expect(await sessionExists(victim.row.id)).toBe(false);
    const [row] = await (await getDb()).select().from(auditLog).where(eq(auditLog.targetId, victim.row.id));
    expect(row).toMatchObject({ action: "auth.session.revoked", actorType: "system", actorId: "session-cleanup" });
  });
});

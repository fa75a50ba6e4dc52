/**
 * Every route handler (app/**\/route.ts) and every server action (app/**\/actions.ts), found on disk at test time,
 * must declare its access, and must enforce it: anonymous → 401, a role without the permission → 403 (audited),
 * a role with it → through. Real users and sessions in a real database; only Next's request scope is mocked.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { PERMISSIONS, rolesGrant, type Permission, type Role } from "@/lib/auth/permissions";
import { createSessionRow, resolveSession } from "@/lib/auth/session-store";
import { upsertUserFromSignIn } from "@/lib/auth/users";
import { getDb } from "@/lib/db/client";
import { auditLog, sessions } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { action } from "@/lib/web/action";
import { sessionCookieName } from "@/lib/web/cookies";
import { toPublicError } from "@/lib/web/errors";
import { route } from "@/lib/web/route";
import { setupTestDb, type TestDb } from "../../helpers/test-db";

// ── Next's request scope, controlled per call ────────────────────────────────────────────────────────────────
const scope = vi.hoisted(() => ({ cookies: {} as Record<string, string>, headers: {} as Record<string, string> }));
vi.mock("next/headers", () => ({
  cookies: async () => {
    const entries = () => Object.entries(scope.cookies).map(([name, value]) => ({ name, value }));
    return {
      get: (name: string) => entries().find((c) => c.name === name),
      getAll: () => entries(),
      has: (name: string) => name in scope.cookies,
      size: Object.keys(scope.cookies).length,
    };
  },
  headers: async () => new Headers(scope.headers),
}));
const cache = vi.hoisted(() => ({ revalidatePath: [] as unknown[][] }));
vi.mock("next/cache", () => ({
  revalidatePath: vi.fn((...args: unknown[]) => void cache.revalidatePath.push(args)),
  revalidateTag: vi.fn(),
}));

// ── Discovery ────────────────────────────────────────────────────────────────────────────────────────────────
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const APP = path.join(ROOT, "app");
const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
const VALID_ACCESS = [...Object.keys(PERMISSIONS), "authenticated", "public"];

interface Handler {
  kind: "route" | "action";
  /** Repository-relative file + export, used in every test name and failure message. */
  id: string;
  file: string;
  exportName: string;
  fn: unknown;
  access: unknown;
  name: unknown;
  /** Route URL path with dynamic segments filled in, and the matching params. */
  urlPath: string;
  params: Record<string, string | string[]>;
}

const files = (readdirSync(APP, { recursive: true }) as string[])
  .filter((f) => /(^|\/)(route|actions)\.(ts|tsx|js|mjs)$/.test(f) && !f.split(path.sep).includes("node_modules"))
  .map((f) => path.join("app", f))
  .sort();

function urlFor(file: string): { urlPath: string; params: Record<string, string | string[]> } {
  const params: Record<string, string | string[]> = {};
  const segs = path
    .dirname(file)
    .split(path.sep)
    .slice(1)
    .filter((s) => !/^\(.*\)$/.test(s) && !s.startsWith("@"))
    .map((s) => {
      const m = /^\[\[?(\.\.\.)?([^\]]+)\]?\]$/.exec(s);
      if (!m) return s;
      const id = randomUUID();
      params[m[2]] = m[1] ? [id] : id;
      return id;
    });
  return { urlPath: `/${segs.join("/")}`, params };
}

const handlers: Handler[] = [];
for (const file of files) {
  const mod = (await import(path.join(ROOT, file))) as Record<string, unknown>;
  const isRoute = /\/route\.\w+$/.test(file);
  const { urlPath, params } = urlFor(file);
  for (const [exportName, fn] of Object.entries(mod)) {
    if (isRoute && !(HTTP_METHODS as readonly string[]).includes(exportName)) continue; // dynamic, runtime, … config exports
    if (!isRoute && exportName === "default") continue;
    // A handler that only refuses (routeMethods()'s 405, notFoundRoute()'s 404) runs no verb: no access of its own.
    if ((fn as { refusesOnly?: boolean }).refusesOnly) continue;
    const meta = (fn ?? {}) as { access?: unknown; routeName?: unknown; actionName?: unknown };
    handlers.push({
      kind: isRoute ? "route" : "action",
      id: `${file} ${exportName}`,
      file,
      exportName,
      fn,
      access: meta.access,
      name: isRoute ? meta.routeName : meta.actionName,
      urlPath,
      params,
    });
  }
}

/** Handlers allowed to be public; adding one is a security decision and belongs in this list. */
const PUBLIC_ALLOWLIST = new Set([
  "app/api/auth/[...nextauth]/route.ts GET",
  "app/api/auth/[...nextauth]/route.ts POST",
  "app/api/healthz/route.ts GET",
  "app/api/readyz/route.ts GET",
]);
/** next-auth's own endpoints: public by design, not called here (tests/integration/idp covers them). */
const NOT_CALLED = new Set(["app/api/auth/[...nextauth]/route.ts GET", "app/api/auth/[...nextauth]/route.ts POST"]);
/** What the issue specifies for the handlers that exist today. */
const EXPECTED_ACCESS: Record<string, string> = {
  "app/api/audit/route.ts GET": "audit:read",
  "app/api/sessions/route.ts GET": "sessions:manage",
  "app/api/sessions/[id]/route.ts DELETE": "sessions:manage",
  "app/api/me/route.ts GET": "authenticated",
  "app/(console)/settings/sessions/actions.ts revokeSession": "sessions:manage",
  "app/api/compliance/findings/export/route.ts GET": "dashboard:read",
  "app/(console)/compliance/actions.ts proposeWaivers": "waivers:propose",
  "app/(console)/compliance/actions.ts proposeWaiver": "waivers:propose",
  "app/(console)/compliance/actions.ts decideWaiver": "waivers:decide",
  "app/(console)/compliance/actions.ts updateRule": "settings:write",
  "app/(console)/apps/[id]/actions.ts decideRotationAction": "rotation:approve",
  "app/(console)/apps/[id]/actions.ts setAppAutoRotationAction": "settings:write",
  "app/(console)/settings/actions.ts updateRotationAuto": "settings:write",
  "app/(console)/settings/actions.ts updateConcurrency": "settings:write",
  ...Object.fromEntries([...PUBLIC_ALLOWLIST].map((k) => [k, "public"])),
};

const hasValidAccess = (h: Handler) =>
  typeof h.fn === "function" &&
  VALID_ACCESS.includes(h.access as string) &&
  typeof h.name === "string" &&
  h.name.length > 0;

// ── Personas: real users with real sessions ──────────────────────────────────────────────────────────────────
type PersonaKey = "anonymous" | "viewer" | "auditor" | "operator" | "admin" | "norole";
const PERSONA_ROLES: Record<Exclude<PersonaKey, "anonymous">, Role[]> = {
  viewer: ["CertifyClouds.Viewer"],
  auditor: ["CertifyClouds.Auditor"],
  operator: ["CertifyClouds.Operator"],
  admin: ["CertifyClouds.Admin"],
  norole: [],
};
const PERSONAS: PersonaKey[] = ["anonymous", "viewer", "auditor", "operator", "admin", "norole"];
const personas = {} as Record<
  Exclude<PersonaKey, "anonymous">,
  { oid: string; userId: string; token: string; sessionId: string }
>;

const CLIENT_IP = "203.0.113.99";

let t: TestDb;
beforeAll(async () => {
  t = await setupTestDb({ TRUST_PROXY: "true" });
  const db = await getDb();
  for (const [key, roles] of Object.entries(PERSONA_ROLES) as [keyof typeof PERSONA_ROLES, Role[]][]) {
    const user = await upsertUserFromSignIn(db, {
      oid: randomUUID(),
      tenantId: "11111111-2222-3333-4444-555555555555",
      upn: `${key}@contoso.example`,
      name: key,
      roles,
    });
    const token = randomBytes(32).toString("base64url");
    const s = await createSessionRow(db, { token, userId: user.id, expires: new Date(Date.now() + 3_600_000) });
    personas[key] = { oid: user.oid, userId: user.id, token, sessionId: s.id };
  }
});
afterAll(async () => t.cleanup());
beforeEach(() => {
  cache.revalidatePath = [];
});

/** Sets the mocked request scope; returns the request id the call will carry. */
function enterRequest(cookieToken: string | undefined): string {
  const requestId = randomUUID();
  scope.cookies = cookieToken ? { [sessionCookieName()]: cookieToken } : {};
  scope.headers = { "x-request-id": requestId, "user-agent": "vitest-permission-matrix", "x-forwarded-for": CLIENT_IP };
  return requestId;
}
const tokenOf = (p: PersonaKey) => (p === "anonymous" ? undefined : personas[p].token);

type RouteFn = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
type ActionFn = (
  input: unknown,
) => Promise<{ ok: boolean; data?: unknown; error?: { code: string; message: string; requestId: string } }>;

interface Outcome {
  requestId: string;
  /** HTTP status for routes; for actions, the HTTP status the error code maps to (200 when ok). */
  status: number;
  body: unknown;
}

const CODE_STATUS: Record<string, number> = {
  unauthenticated: 401,
  forbidden: 403,
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  internal: 500,
};

async function callRoute(
  h: { fn: unknown; exportName: string; urlPath: string; params: Record<string, string | string[]> },
  token: string | undefined,
  opts: { query?: string; body?: unknown } = {},
): Promise<Outcome> {
  const requestId = enterRequest(token);
  const method = h.exportName;
  const withBody = ["POST", "PUT", "PATCH"].includes(method);
  const req = new Request(`http://localhost:3000${h.urlPath}${opts.query ?? ""}`, {
    method,
    headers: {
      ...scope.headers,
      ...(withBody ? { "content-type": "application/json" } : {}),
      ...(token ? { cookie: `${sessionCookieName()}=${token}` } : {}),
    },
    body: withBody ? JSON.stringify(opts.body ?? {}) : undefined,
  });
  const res = await (h.fn as RouteFn)(req, { params: Promise.resolve(h.params) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { requestId, status: res.status, body };
}

async function callAction(fn: unknown, token: string | undefined, input: unknown = {}): Promise<Outcome> {
  const requestId = enterRequest(token);
  const body = await (fn as ActionFn)(input);
  return { requestId, status: body.ok ? 200 : (CODE_STATUS[body.error!.code] ?? 0), body };
}

const call = (h: Handler, p: PersonaKey) =>
  h.kind === "route" ? callRoute(h, tokenOf(p)) : callAction(h.fn, tokenOf(p));

async function deniedRows(requestId: string) {
  return (await getDb())
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, "auth.access.denied"), eq(auditLog.requestId, requestId)));
}

// ── 1. Declared access metadata ──────────────────────────────────────────────────────────────────────────────
describe("declared access metadata", () => {
  it("discovers the route handlers and server actions on disk", () => {
    const ids = handlers.map((h) => h.id);
    for (const known of [
      "app/api/sessions/route.ts GET",
      "app/api/sessions/[id]/route.ts DELETE",
      "app/api/auth/[...nextauth]/route.ts GET",
      "app/(console)/settings/sessions/actions.ts revokeSession",
    ]) {
      expect(ids).toContain(known);
    }
    expect(files.filter((f) => f.endsWith("route.ts")).length).toBeGreaterThanOrEqual(6);
  });

  it.each(handlers.map((h) => [h.id, h] as const))("%s declares access and a name", (id, h) => {
    expect(
      typeof h.fn,
      `${id}: exported ${h.kind === "route" ? "HTTP method" : "server action"} is not a function`,
    ).toBe("function");
    expect(
      VALID_ACCESS,
      `${id}: missing or invalid \`access\` (got ${JSON.stringify(h.access)}); wrap it with ${h.kind === "route" ? "route() from lib/web/route.ts" : "action() from lib/web/action.ts"}`,
    ).toContain(h.access);
    expect(
      typeof h.name === "string" && h.name.length > 0,
      `${id}: missing ${h.kind === "route" ? "routeName" : "actionName"}`,
    ).toBe(true);
  });

  it.each(Object.entries(EXPECTED_ACCESS))("%s requires %s", (id, access) => {
    const h = handlers.find((x) => x.id === id);
    expect(h, `${id} not found`).toBeDefined();
    expect(h!.access).toBe(access);
  });

  it("only allowlisted handlers are public", () => {
    const publicOnes = handlers.filter((h) => h.access === "public").map((h) => h.id);
    expect(
      publicOnes.filter((id) => !PUBLIC_ALLOWLIST.has(id)),
      "unexpected public handlers",
    ).toEqual([]);
  });

  it("route names are unique, so audit entries point at one endpoint", () => {
    const names = handlers.filter((h) => h.kind === "route" && !NOT_CALLED.has(h.id)).map((h) => h.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

// ── 2. Enforcement for every persona ─────────────────────────────────────────────────────────────────────────
const protectedHandlers = handlers.filter((h) => hasValidAccess(h) && h.access !== "public");

describe.each(protectedHandlers.map((h) => [h.id, h] as const))("%s", (_id, h) => {
  const access = h.access as Permission | "authenticated";
  const expectation = (p: PersonaKey): "unauthenticated" | "forbidden" | "allowed" =>
    p === "anonymous"
      ? "unauthenticated"
      : access === "authenticated" || rolesGrant(PERSONA_ROLES[p], access)
        ? "allowed"
        : "forbidden";

  it.each(PERSONAS.map((p) => [p, expectation(p)] as const))("as %s → %s", async (p, expected) => {
    const out = await call(h, p);
    const where = `${h.id} as ${p} (access ${access}): got ${out.status} ${JSON.stringify(out.body).slice(0, 300)}`;
    if (expected === "unauthenticated") {
      expect(out.status, where).toBe(401);
      if (h.kind === "route")
        expect(out.body, where).toMatchObject({ code: "unauthenticated", requestId: out.requestId });
      else
        expect(out.body, where).toMatchObject({
          ok: false,
          error: { code: "unauthenticated", requestId: out.requestId },
        });
      expect(await deniedRows(out.requestId)).toHaveLength(0);
    } else if (expected === "forbidden") {
      expect(out.status, where).toBe(403);
      if (h.kind === "route") expect(out.body, where).toMatchObject({ code: "forbidden", requestId: out.requestId });
      else expect(out.body, where).toMatchObject({ ok: false, error: { code: "forbidden", requestId: out.requestId } });
      const rows = await deniedRows(out.requestId);
      expect(rows, `${where}: expected one auth.access.denied audit row`).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        actorType: "user",
        actorId: personas[p as keyof typeof personas].oid,
        actorName: `${p}@contoso.example`,
        outcome: "denied",
        targetType: "endpoint",
        targetId: h.name,
        ip: CLIENT_IP,
        userAgent: "vitest-permission-matrix",
        details: { required: access, roles: PERSONA_ROLES[p as keyof typeof PERSONA_ROLES] },
      });
    } else {
      expect([401, 403], where).not.toContain(out.status);
      expect(out.status, `${where}: an allowed call must not fail internally`).toBeLessThan(500);
      expect(await deniedRows(out.requestId)).toHaveLength(0);
    }
  });

  it("treats an unknown or revoked session cookie as anonymous", async () => {
    const forged =
      h.kind === "route"
        ? await callRoute(h, randomBytes(32).toString("base64url"))
        : await callAction(h.fn, randomBytes(32).toString("base64url"));
    expect(forged.status).toBe(401);
  });
});

describe("public handlers answer anonymous callers", () => {
  const callable = handlers.filter((h) => h.access === "public" && !NOT_CALLED.has(h.id) && h.kind === "route");
  it.each(callable.map((h) => [h.id, h] as const))("%s", async (_id, h) => {
    const out = await callRoute(h, undefined);
    expect([401, 403]).not.toContain(out.status);
    expect(out.status).toBeLessThan(500);
  });

  it("healthz and readyz report ok on a migrated database", async () => {
    const health = handlers.find((h) => h.id === "app/api/healthz/route.ts GET")!;
    const ready = handlers.find((h) => h.id === "app/api/readyz/route.ts GET")!;
    expect(await callRoute(health, undefined)).toMatchObject({ status: 200, body: { status: "ok" } });
    expect(await callRoute(ready, undefined)).toMatchObject({
      status: 200,
      body: { ready: true, database: "up", migrations: "current" },
    });
  });
});

// ── 3. Behaviour of the allowed calls ────────────────────────────────────────────────────────────────────────
describe("allowed calls do their job", () => {
  const byId = (id: string) => {
    const h = handlers.find((x) => x.id === id);
    if (!h) throw new Error(`${id} not found`);
    return h;
  };

  async function victimSession() {
    const db = await getDb();
    const user = await upsertUserFromSignIn(db, {
      oid: randomUUID(),
      tenantId: "t",
      upn: `victim-${randomUUID().slice(0, 8)}@contoso.example`,
      name: "Victim",
      roles: ["CertifyClouds.Viewer"],
    });
    const token = randomBytes(32).toString("base64url");
    const s = await createSessionRow(db, { token, userId: user.id, expires: new Date(Date.now() + 3_600_000) });
    return { user, token, sessionId: s.id };
  }
  const sessionExists = async (id: string) =>
    (await (await getDb()).select().from(sessions).where(eq(sessions.id, id))).length === 1;

  it("GET /api/me returns the caller's identity and roles, also for a user with no role", async () => {
    const me = byId("app/api/me/route.ts GET");
    expect(await callRoute(me, personas.viewer.token)).toMatchObject({
      status: 200,
      body: { oid: personas.viewer.oid, upn: "viewer@contoso.example", roles: ["CertifyClouds.Viewer"] },
    });
    expect(await callRoute(me, personas.norole.token)).toMatchObject({
      status: 200,
      body: { oid: personas.norole.oid, roles: [] },
    });
  });

  it("GET /api/audit returns the denials recorded above to an Auditor; bad query → 400 with issues", async () => {
    const h = byId("app/api/audit/route.ts GET");
    const out = await callRoute(h, personas.auditor.token, { query: "?action=auth.access.denied&pageSize=10" });
    expect(out.status).toBe(200);
    const body = out.body as { total: number; page: number; pageSize: number; rows: { action: string }[] };
    expect(body.total).toBeGreaterThan(0);
    expect(body.pageSize).toBe(10);
    expect(body.rows.length).toBe(Math.min(10, body.total));
    expect(body.rows.every((r) => r.action === "auth.access.denied")).toBe(true);
    const bad = await callRoute(h, personas.auditor.token, { query: "?pageSize=5000" });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: "invalid_input", requestId: bad.requestId, issues: [{ path: "pageSize" }] });
  });

  it("GET /api/sessions lists sessions to an Admin without token material", async () => {
    const h = byId("app/api/sessions/route.ts GET");
    const out = await callRoute(h, personas.admin.token);
    expect(out.status).toBe(200);
    const list = (out.body as { sessions: { id: string; upn: string }[] }).sessions;
    expect(list.map((s) => s.id)).toEqual(expect.arrayContaining(Object.values(personas).map((p) => p.sessionId)));
    const text = JSON.stringify(out.body);
    for (const p of Object.values(personas)) expect(text).not.toContain(p.token);
    expect(text).not.toContain("tokenHash");
  });

  it("DELETE /api/sessions/:id as Admin revokes at once: the victim's next request is 401, and it is audited", async () => {
    const h = byId("app/api/sessions/[id]/route.ts DELETE");
    const me = byId("app/api/me/route.ts GET");
    const v = await victimSession();
    expect((await callRoute(me, v.token)).status).toBe(200);
    const out = await callRoute({ ...h, params: { id: v.sessionId } }, personas.admin.token);
    expect(out).toMatchObject({ status: 200, body: { revoked: true } });
    expect(await sessionExists(v.sessionId)).toBe(false);
    expect((await callRoute(me, v.token)).status).toBe(401);
    const [row] = await (
      await getDb()
    )
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "auth.session.revoked"), eq(auditLog.targetId, v.sessionId)));
    expect(row).toMatchObject({
      actorId: personas.admin.oid,
      requestId: out.requestId,
      ip: CLIENT_IP,
      details: { userOid: v.user.oid },
    });
    // Unknown and malformed ids.
    expect((await callRoute({ ...h, params: { id: randomUUID() } }, personas.admin.token)).status).toBe(404);
    expect((await callRoute({ ...h, params: { id: "not-a-uuid" } }, personas.admin.token)).status).toBe(400);
  });

  it("DELETE /api/sessions/:id as Operator is refused and the session survives", async () => {
    const h = byId("app/api/sessions/[id]/route.ts DELETE");
    const v = await victimSession();
    expect((await callRoute({ ...h, params: { id: v.sessionId } }, personas.operator.token)).status).toBe(403);
    expect(await sessionExists(v.sessionId)).toBe(true);
  });

  it("the revokeSession action (FormData, as a form posts it) revokes for an Admin and revalidates the page", async () => {
    const h = byId("app/(console)/settings/sessions/actions.ts revokeSession");
    const v = await victimSession();
    const form = new FormData();
    form.set("sessionId", v.sessionId);
    const denied = await callAction(h.fn, personas.auditor.token, form);
    expect(denied.body).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await sessionExists(v.sessionId)).toBe(true);
    expect(cache.revalidatePath).toEqual([]);

    const ok = await callAction(h.fn, personas.admin.token, form);
    expect(ok.body).toEqual({ ok: true, data: { revoked: true } });
    expect(await sessionExists(v.sessionId)).toBe(false);
    expect(await resolveSession(await getDb(), v.token)).toBeNull();
    expect(cache.revalidatePath).toEqual([["/settings/sessions"]]);
  });

  it("an Admin revoking their own session is signed out on the next call", async () => {
    const h = byId("app/(console)/settings/sessions/actions.ts revokeSession");
    const me = byId("app/api/me/route.ts GET");
    const db = await getDb();
    const token = randomBytes(32).toString("base64url");
    const [admin] = await db.select().from(sessions).where(eq(sessions.id, personas.admin.sessionId));
    const s = await createSessionRow(db, { token, userId: admin.userId, expires: new Date(Date.now() + 3_600_000) });
    expect((await callAction(h.fn, token, { sessionId: s.id })).body).toMatchObject({ ok: true });
    expect((await callRoute(me, token)).status).toBe(401);
    expect((await callRoute(me, personas.admin.token)).status).toBe(200);
  });
});

// ── 4. Error mapping: internal text never reaches the client ─────────────────────────────────────────────────
describe("error mapping", () => {
  const INTERNAL = "connect ECONNREFUSED 10.1.2.3:5432 (password=hunter2) at Pool.connect";

  it("toPublicError turns an unexpected error into a generic 500 with the request id", () => {
    const { status, body } = toPublicError(new Error(INTERNAL), "req-0123456789");
    expect(status).toBe(500);
    expect(body).toEqual({
      code: "internal",
      message: "Something went wrong. Quote request id req-0123456789 to your administrator.",
      requestId: "req-0123456789",
    });
    for (const leak of ["ECONNREFUSED", "10.1.2.3", "hunter2", "Pool"])
      expect(JSON.stringify(body)).not.toContain(leak);
    expect(toPublicError("a thrown string with hunter2", "req-x").body.message).not.toContain("hunter2");
  });

  it("toPublicError shows only the public message of an AppError and maps codes to statuses", () => {
    const { status, body } = toPublicError(
      new AppError("conflict", "Already running.", { internal: "hunter2" }),
      "req-1",
    );
    expect(status).toBe(409);
    expect(body).toEqual({ code: "conflict", message: "Already running.", requestId: "req-1" });
    expect(toPublicError(new AppError("not_found", "Gone."), "r").status).toBe(404);
    expect(toPublicError(new AppError("rate_limited", "Slow down."), "r").status).toBe(429);
  });

  it("toPublicError lists zod issues as invalid_input 400", () => {
    const err = z.object({ n: z.number() }).safeParse({ n: "x" }).error!;
    const { status, body } = toPublicError(err, "req-2");
    expect(status).toBe(400);
    expect(body).toMatchObject({ code: "invalid_input", requestId: "req-2", issues: [{ path: "n" }] });
  });

  it("the route wrapper returns the generic 500 with the caller's request id when a handler throws", async () => {
    const boom = route({ name: "GET /test/boom", access: "authenticated" }, async () => {
      throw new Error(INTERNAL);
    });
    const out = await callRoute(
      { fn: boom, exportName: "GET", urlPath: "/test/boom", params: {} },
      personas.viewer.token,
    );
    expect(out.status).toBe(500);
    expect(out.body).toEqual({
      code: "internal",
      message: `Something went wrong. Quote request id ${out.requestId} to your administrator.`,
      requestId: out.requestId,
    });
    expect(JSON.stringify(out.body)).not.toMatch(/ECONNREFUSED|hunter2|10\.1\.2\.3/);
  });

  it("the action wrapper returns the generic internal error when a verb throws", async () => {
    const boom = action({ name: "boom", access: "dashboard:read", input: z.object({}) }, async () => {
      throw new Error(INTERNAL);
    });
    const out = await callAction(boom, personas.viewer.token, {});
    expect(out.body).toEqual({
      ok: false,
      error: {
        code: "internal",
        message: `Something went wrong. Quote request id ${out.requestId} to your administrator.`,
        requestId: out.requestId,
      },
    });
  });

  it("a denied call is audited with the declared permission even for a wrapper built here", async () => {
    const guarded = route({ name: "POST /test/settings", access: "settings:write" }, async () => ({ changed: true }));
    const out = await callRoute(
      { fn: guarded, exportName: "POST", urlPath: "/test/settings", params: {} },
      personas.operator.token,
    );
    expect(out.status).toBe(403);
    const rows = await deniedRows(out.requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ targetId: "POST /test/settings", details: { required: "settings:write" } });
    const allowed = await callRoute(
      { fn: guarded, exportName: "POST", urlPath: "/test/settings", params: {} },
      personas.admin.token,
    );
    expect(allowed).toMatchObject({ status: 200, body: { changed: true } });
  });
});

// Keep the discovery honest: a handler that failed the metadata check is not silently skipped by section 2.
describe("coverage", () => {
  it("every non-public handler with metadata is exercised for all personas", () => {
    const exercised = new Set(protectedHandlers.map((h) => h.id));
    const expected = handlers.filter((h) => h.access !== "public").map((h) => h.id);
    expect(
      expected.filter((id) => !exercised.has(id)),
      "handlers without valid access metadata (see failures above)",
    ).toEqual([]);
  });

  it("the audit log holds one denial per forbidden persona call (sanity)", async () => {
    const [{ n }] = await (
      await getDb()
    )
      .select({ n: sql<number>`count(*)::int` })
      .from(auditLog)
      .where(eq(auditLog.action, "auth.access.denied"));
    expect(n).toBeGreaterThan(0);
  });
});

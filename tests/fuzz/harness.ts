/**
 * The fuzz suite's world: a fresh database with a small seeded estate and one signed-in session per role, the
 * production build serving it (tests/integration/web/console-server.ts, which builds only when sources changed), raw
 * HTTP requests that may carry any method, path and body, and the checks run on every response and on what was stored.
 */
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import { sql } from "drizzle-orm";
import { verifyAuditChain } from "@/lib/audit/verify";
import { upsertUserFromSignIn } from "@/lib/auth/users";
import { createSessionRow } from "@/lib/auth/session-store";
import { closeDb, getDb } from "@/lib/db/client";
import { ROLES, type Role } from "@/lib/roles";
import { GUID } from "@/lib/validation";
import { SETTINGS, type SettingKey } from "@/lib/settings/definitions";
import { seedEstate } from "../bench/seed-estate";
import { setupTestDb, type TestDb } from "../helpers/test-db";
import { startConsoleServer, TENANT_ID, type ConsoleServer } from "../integration/web/console-server";

export type Persona = Role | "anonymous";
export const PERSONAS: Persona[] = [...ROLES, "anonymous"];

export interface FuzzWorld {
  server: ConsoleServer;
  /** The Cookie header of each persona's session (none for anonymous). */
  cookies: Record<Persona, string | undefined>;
  /** Ids that name real rows (assets, scans, apps, sessions), so detail pages are also reached with data. */
  knownIds: string[];
  stop(): Promise<{ auditOk: boolean; auditRows: number; invalidStored: string[] }>;
}

export async function startFuzzWorld(): Promise<FuzzWorld> {
  const testDb: TestDb = await setupTestDb({ SECRET_KEY: randomBytes(32).toString("base64") });
  const db = await getDb();
  await seedEstate((q) => db.execute(sql.raw(q)), { assets: 60, subscriptions: 3, vaults: 6, apps: 8, scans: 3 });
  const cookies = { anonymous: undefined } as Record<Persona, string | undefined>;
  for (const role of ROLES) {
    const user = await upsertUserFromSignIn(db, {
      oid: randomUUID(),
      tenantId: TENANT_ID,
      upn: `${role.split(".")[1].toLowerCase()}@fuzz.example`,
      name: `Fuzz ${role}`,
      roles: [role],
    });
    const token = randomBytes(32).toString("base64url");
    await createSessionRow(db, { token, userId: user.id, expires: new Date(Date.now() + 3_600_000) });
    cookies[role] = `cc.session=${token}`;
  }
  const ids = await db.execute<{ id: string }>(
    sql.raw(`(select id::text from assets limit 2) union all
    (select id::text from scan_runs limit 2) union all (select id from app_registrations limit 2) union all
    (select id::text from sessions limit 1) union all (select id from vaults limit 1)`),
  );
  const knownIds = rowsOf<{ id: string }>(ids).map((r) => r.id);
  // PGlite allows one process at a time: the server opens the same folder next.
  await closeDb();
  const dbEnv: Record<string, string> =
    testDb.kind === "postgres" ? { DATABASE_URL: testDb.url! } : { PGLITE_DIR: process.env.PGLITE_DIR! };
  const server = await startConsoleServer({ ...dbEnv, SECRET_KEY: process.env.SECRET_KEY!, LOG_LEVEL: "warn" });

  return {
    server,
    cookies,
    knownIds,
    async stop() {
      await server.stop();
      const after = await getDb();
      const audit = await verifyAuditChain(after);
      const invalidStored = await findInvalidStored();
      await testDb.cleanup();
      return { auditOk: audit.ok, auditRows: audit.rowsChecked, invalidStored };
    },
  };
}

const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) ? r : (r as { rows: T[] }).rows);

/**
 * What no request may leave behind: a control character in any text or JSON column of any table, a setting its own
 * schema (and write rule) would refuse, or a scan scope naming a subscription by anything but a GUID.
 */
async function findInvalidStored(): Promise<string[]> {
  const db = await getDb();
  const problems: string[] = [];
  const columns = rowsOf<{ table_name: string; column_name: string; data_type: string }>(
    await db.execute(
      sql.raw(`select table_name, column_name, data_type from information_schema.columns
        where table_schema = 'public' and data_type in ('text', 'character varying', 'jsonb', 'json')`),
    ),
  );
  for (const c of columns) {
    const col = `"${c.column_name}"${c.data_type.startsWith("json") ? "::text" : ""}`;
    // In JSON text a control character is escaped (\u0001, \n): look for the escape too.
    const pattern = c.data_type.startsWith("json")
      ? `'[\\x01-\\x1f\\x7f]|\\\\u00[01][0-9a-fA-F]|\\\\[nrt]'`
      : `'[\\x01-\\x1f\\x7f]'`;
    const found = rowsOf<{ n: number }>(
      await db.execute(sql.raw(`select count(*)::int as n from "${c.table_name}" where ${col} ~ ${pattern}`)),
    );
    if (found[0].n > 0)
      problems.push(`${c.table_name}.${c.column_name}: ${found[0].n} row(s) with a control character`);
  }
  const stored = rowsOf<{ key: string; value: unknown }>(await db.execute(sql.raw("select key, value from settings")));
  for (const { key, value } of stored) {
    const def = SETTINGS[key as SettingKey] as { schema: { safeParse(v: unknown): { success: boolean } } } & {
      writeRule?: (v: never) => string | null | undefined;
    };
    if (!def) problems.push(`settings: unknown key ${JSON.stringify(key).slice(0, 80)}`);
    else if (!def.schema.safeParse(value).success || def.writeRule?.(value as never))
      problems.push(`settings.${key}: ${JSON.stringify(value).slice(0, 200)}`);
  }
  // A scan's scope names subscriptions by id: GUIDs only (issue 15 item 13).
  const scopes = rowsOf<{ scope: { subscriptions?: unknown[] } }>(
    await db.execute(sql.raw("select scope from scan_runs")),
  );
  for (const { scope } of scopes)
    for (const id of scope.subscriptions ?? [])
      if (typeof id !== "string" || !GUID.test(id))
        problems.push(`scan_runs.scope: subscription ${JSON.stringify(id).slice(0, 80)}`);
  return problems;
}

export interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Received {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  ms: number;
}

/** node:http, not fetch: fetch refuses TRACE and rewrites paths; this sends the method, path and body as given. */
export function send(baseUrl: string, r: Sent, timeoutMs = 20_000): Promise<Received> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // A connection of its own per request, so a reset is the fault of the request that got it; kept alive, so the
    // server drains a body it does not read instead of closing on it (which a client sees as a reset, not an answer).
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const req = http.request(`${baseUrl}${r.path}`, { method: r.method, headers: r.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        agent.destroy();
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString("utf8"),
          ms: Date.now() - started,
        });
      });
      res.on("error", reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (err) => {
      agent.destroy();
      reject(err);
    });
    req.end(r.body);
  });
}

/**
 * What every answer must satisfy: no 5xx; from an API route handler (or the proxy, which answers in JSON), an error in the
 * public shape carrying the request id of the response; from a server action, no "internal" result (the action
 * wrapper turns a crash into a 200 whose result says so).
 */
export function problemsWith(r: Sent, res: Received, kind: "page" | "route" | "action"): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`HTTP ${res.status}`);
  const isJson = /^application\/json/.test(String(res.headers["content-type"] ?? ""));
  // Dot segments are resolved before routing: /api/../x is a page path.
  const api = kind === "route" && new URL(r.path, "http://x").pathname.startsWith("/api/");
  const apiError = res.status >= 400 && r.method !== "HEAD" && (api || isJson);
  // Node's own HTTP parser answers 431 (headers too large) and 400 (unparsable request) before any code of ours runs.
  const fromNode = res.status === 431 || (res.status === 400 && res.headers["x-request-id"] === undefined && !isJson);
  if (apiError && !fromNode) {
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(res.text) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    const id = res.headers["x-request-id"];
    if (
      !body ||
      typeof body.code !== "string" ||
      typeof body.message !== "string" ||
      typeof body.requestId !== "string" ||
      body.requestId !== id
    )
      problems.push(`HTTP ${res.status} not in the public error shape: ${res.text.slice(0, 160)}`);
  }
  if (kind === "action" && res.text.includes('"code":"internal"')) problems.push("action result: internal error");
  return problems;
}

export function describeRequest(r: Sent): string {
  const body =
    r.body === undefined ? "" : ` body ${JSON.stringify(r.body.slice(0, 200))}${r.body.length > 200 ? "…" : ""}`;
  return `${r.method} ${r.path.slice(0, 300)} ${JSON.stringify(r.headers["content-type"] ?? null)}${body}`;
}

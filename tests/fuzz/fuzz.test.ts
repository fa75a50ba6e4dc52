/**
 * Property-based fuzzing of every page, route handler and server action in the production build, as every role and
 * signed out: generated hostile input (tests/fuzz/hostile.ts) must never produce a 5xx, an API error outside the public
 * shape, an "internal" action result or an error-level log line; afterwards nothing invalid is stored and the audit
 * chain verifies. Targets come from the build's manifests (targets.ts). `npm test` runs a short pass (FUZZ_RUNS per
 * target, default 8); `npm run fuzz -- --runs N` runs N per target. A failure prints the request fast-check shrank it to
 * and the seed to replay it (FUZZ_SEED).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  describeRequest,
  PERSONAS,
  problemsWith,
  send,
  startFuzzWorld,
  type FuzzWorld,
  type Persona,
  type Sent,
} from "./harness";
import { mayBeRefusedMethod, replayShowsRefusal, resetIsRefusal } from "./refusal";
import { body, catchAll, contentType, hostileCookie, hostileObject, method, queryString, segment } from "./hostile";
import { buildTargets, type ActionTarget, type Target } from "./targets";

const RUNS = Number(process.env.FUZZ_RUNS ?? 8);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
/** Room for long runs: a request takes ~50 ms, a shrinking failure a few dozen more. */
const LONG = Math.max(600_000, RUNS * 40 * 1_000);

let world: FuzzWorld;
let targets: Target[];
let actions: ActionTarget[];
let finalState: Awaited<ReturnType<FuzzWorld["stop"]>> | undefined;

beforeAll(async () => {
  world = await startFuzzWorld();
  ({ targets, actions } = buildTargets());
}, 900_000);

afterAll(async () => {
  if (world && !finalState) await world.stop();
});

const persona = fc.constantFrom(...PERSONAS);

function withSession(p: Persona, headers: Record<string, string>, extra?: string): Record<string, string> {
  const cookie = [world.cookies[p], extra].filter(Boolean).join("; ");
  return cookie ? { ...headers, cookie } : headers;
}

/** A request to one page or route handler: its pattern filled with hostile segments, any method, query and body. */
function requestTo(t: Target): fc.Arbitrary<Sent> {
  const parts = t.segments.map((s) =>
    s.kind === "static"
      ? fc.constant(s.value)
      : s.kind === "param"
        ? segment(world.knownIds)
        : catchAll(world.knownIds),
  );
  return fc
    .record({
      p: persona,
      parts: fc.tuple(...parts),
      query: queryString,
      method,
      type: contentType,
      body,
      cookie: hostileCookie,
    })
    .map(({ p, parts: ps, query, method: m, type, body: b, cookie }) => {
      const withBody = !["GET", "HEAD"].includes(m) && b !== undefined;
      const headers: Record<string, string> = type && withBody ? { "content-type": type } : {};
      return {
        method: m,
        path: `/${ps.join("/")}${query}`.replace(/^\/\//, "/"),
        headers: withSession(p, headers, cookie ?? undefined),
        body: withBody ? b : undefined,
      };
    });
}

/** React's reply encoding escapes a string that starts with "$"; the fuzz sends both, escaped and not. */
const escapeDollars = (v: unknown): unknown =>
  typeof v === "string"
    ? v.startsWith("$")
      ? `$${v}`
      : v
    : Array.isArray(v)
      ? v.map(escapeDollars)
      : v && typeof v === "object"
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeDollars(x)]))
        : v;

/** A server action call as the browser sends it (JSON reply or multipart FormData), with hostile arguments. */
function actionCall(a: ActionTarget): fc.Arbitrary<Sent> {
  return fc
    .record({
      p: persona,
      page: fc.constantFrom(...a.pages),
      args: hostileObject,
      form: fc.boolean(),
      escape: fc.boolean(),
    })
    .map(({ p, page, args, form, escape }) => {
      const headers = withSession(p, { "next-action": a.id, origin: world.server.url, accept: "text/x-component" });
      if (!form) {
        const reply = JSON.stringify([escape ? escapeDollars(args) : args]);
        return {
          method: "POST",
          path: page,
          headers: { ...headers, "content-type": "text/plain;charset=UTF-8" },
          body: reply,
        };
      }
      const boundary = `fuzz${Math.abs(JSON.stringify(args).length)}b`;
      const field = (name: string, value: string) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
      const fields = Object.entries((escape ? escapeDollars(args) : args) as Record<string, unknown>)
        .map(([k, v]) => field(`1_${k.replace(/["\r\n]/g, "_")}`, typeof v === "string" ? v : JSON.stringify(v)))
        .join("");
      return {
        method: "POST",
        path: page,
        headers: { ...headers, "content-type": `multipart/form-data; boundary=${boundary}` },
        body: `${field("0", '["$K1"]')}${fields}--${boundary}--\r\n`,
      };
    });
}

async function check(r: Sent, kind: "page" | "route" | "action"): Promise<void> {
  let res: Awaited<ReturnType<typeof send>>;
  try {
    res = await send(world.server.url, r);
  } catch (err) {
    // A refusal that closed the connection on an unread body (see refusal.ts) is not a crash.
    if (resetIsRefusal(r, err) || (mayBeRefusedMethod(r, err) && replayShowsRefusal(await statusWithoutBody(r)))) {
      tally.set(`${kind} reset`, (tally.get(`${kind} reset`) ?? 0) + 1);
      return;
    }
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n  request: ${describeRequest(r)}`);
  }
  const code =
    kind === "action" ? (/"code":"(\w+)"/.exec(res.text)?.[1] ?? (/"ok":true/.test(res.text) ? "ok" : "-")) : "";
  const outcome = `${kind} ${res.status}${code ? ` ${code}` : ""}`;
  tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
  const problems = problemsWith(r, res, kind);
  if (problems.length) throw new Error(`${problems.join("; ")}\n  request: ${describeRequest(r)}`);
}

/** The status the same request gets without its body (0 if that fails too). */
async function statusWithoutBody(r: Sent): Promise<number> {
  try {
    return (await send(world.server.url, { ...r, body: undefined })).status;
  } catch {
    return 0;
  }
}

/** How requests were answered (kind, status, action result code): printed at the end, to see what was reached. */
const tally = new Map<string, number>();

/** One property per target, so every target is fuzzed even when an earlier one fails; failures are collected. */
async function fuzz(name: string, requests: fc.Arbitrary<Sent>, kind: "page" | "route" | "action", failures: string[]) {
  const result = await fc.check(
    fc.asyncProperty(requests, (r) => check(r, kind)),
    { numRuns: RUNS, seed: SEED },
  );
  if (result.failed) {
    const cause = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
    failures.push(`${name} (FUZZ_SEED=${result.seed}): ${cause}`);
  }
}

describe("the build's targets", () => {
  it("enumerates pages, route handlers and server actions from the manifests", () => {
    const patterns = targets.map((t) => t.pattern);
    expect(patterns).toEqual(
      expect.arrayContaining([
        "/",
        "/inventory",
        "/apps/[id]",
        "/vaults/[id]",
        "/scans",
        "/settings",
        "/signin",
        "/api/inventory/export",
        "/api/scans/[id]",
        "/api/sessions/[id]",
        "/api/auth/[...nextauth]",
        "/api/healthz",
      ]),
    );
    expect(actions.map((a) => a.name)).toEqual(
      expect.arrayContaining(["startScan", "cancelScan", "updateSchedule", "updateThresholds", "revokeSession"]),
    );
    for (const a of actions) expect(a.pages.length, a.name).toBeGreaterThan(0);
  });
});

describe("hostile input, as every role", () => {
  it(
    "pages and route handlers: no 5xx, API errors in the public shape",
    async () => {
      const failures: string[] = [];
      for (const t of targets) await fuzz(t.pattern, requestTo(t), t.kind, failures);
      expect(failures).toEqual([]);
    },
    LONG,
  );

  it(
    "server actions: no 5xx, no internal result",
    async () => {
      const failures: string[] = [];
      for (const a of actions) await fuzz(`action ${a.name}`, actionCall(a), "action", failures);
      expect(failures).toEqual([]);
    },
    LONG,
  );
});

describe("known cases (issue 15)", () => {
  const auditor = () => world.cookies["CertifyClouds.Auditor"]!;
  const get = (path: string) => send(world.server.url, { method: "GET", path, headers: { cookie: auditor() } });

  it.each([
    "/api/inventory/export?q=%00",
    "/api/inventory/export?status=expired&vault=kv%01",
    "/api/inventory/export?sort=%00name",
    "/api/inventory/export?status=bogus",
    `/api/inventory/export?vault=${"v".repeat(401)}`,
    "/api/inventory?q=%00",
    "/api/inventory?q=ok&q=%00",
    "/api/audit?actor=%1B",
    "/api/scans/%00",
    "/api/audit?from=%2B275760-09-13",
    "/api/auth/signin?callbackUrl=foo",
    "/api/auth/session?callbackUrl=%25",
  ])("GET %s → 400 in the public shape, never a 500 or a CSV byte", async (path) => {
    const res = await get(path);
    expect(res.status, res.text.slice(0, 200)).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(res.text)).toMatchObject({ code: "invalid_input", requestId: res.headers["x-request-id"] });
  });

  it.each(["/api/auth/error?error=a%0Ab", "/api/auth/error?error=%ED%A0%80"])(
    "GET %s → the sign-in page with a generic error, not a 500",
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe("/signin?error=Default");
    },
  );

  it.each(["/apps/%00", `/apps/${"x".repeat(201)}`, `/vaults/${"x".repeat(1001)}`, "/inventory/%00", "/scans/%00"])(
    "GET %s → 404 page, not 500",
    async (path) => {
      expect((await get(path)).status).toBe(404);
    },
  );

  it.each(["/scans?page=999999", "/inventory?q=%00", "/vaults?q=db%00", "/apps?q=%07", "/audit?to=garbage&actor=%00"])(
    "GET %s → 200 with the page (an unusable value is named, never a 500)",
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(200);
      if (path.includes("%")) expect(res.text).toContain('data-testid="invalid-filter"');
    },
  );
});

describe("after the run", () => {
  it("logged no error, stored nothing invalid, and the audit chain verifies", async () => {
    const counts = [...tally].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}: ${n}`);
    console.log(`fuzz: ${RUNS} per target, answers by kind and status\n  ${counts.join("\n  ")}`);
    const errors = world.server.logs.filter((l) => l.level >= 50);
    expect(errors.map((l) => JSON.stringify(l).slice(0, 400))).toEqual([]);
    finalState = await world.stop();
    expect(finalState.invalidStored).toEqual([]);
    expect(finalState.auditOk).toBe(true);
    expect(finalState.auditRows).toBeGreaterThan(0);
  }, 120_000);
});

/**
 * Hostile input against the production build: what the proxy, Next's own request handling and next-auth's route do
 * with it. Each case expects the right 4xx in the public error shape, a warn line carrying the same request id, and
 * no 500 and no error-level line.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MiniBrowser, signInAs } from "../../idp/browser";
import type { PersonaKey } from "../../idp/personas";
import { startConsoleServer, type ConsoleServer } from "./console-server";

const SIGNIN_MAX = 4;
let server: ConsoleServer;
let admin: MiniBrowser;
let actionId: string;

beforeAll(async () => {
  server = await startConsoleServer({
    SIGNIN_RATE_LIMIT_MAX: String(SIGNIN_MAX),
    SIGNIN_RATE_LIMIT_WINDOW_SECONDS: "600",
    SIGNIN_LOCKOUT_SECONDS: "600",
  });
  const manifest = JSON.parse(
    readFileSync(path.resolve(".next/standalone/.next/server/server-reference-manifest.json"), "utf8"),
  ) as { node: Record<string, { workers: Record<string, unknown> }> };
  actionId = Object.entries(manifest.node).find(([, a]) => "app/(console)/settings/page" in a.workers)![0];
  admin = new MiniBrowser();
  await signIn(admin, "admin");
}, 900_000);
afterAll(async () => server?.stop());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const u = (p: string) => `${server.url}${p}`;

async function startSignIn(browser: MiniBrowser, callbackUrl = "/"): Promise<Response> {
  const csrf = (await (await browser.request(u("/api/auth/csrf"))).json()) as { csrfToken: string };
  return browser.request(u("/api/auth/signin/azure-ad"), {
    form: { csrfToken: csrf.csrfToken, callbackUrl, json: "true" },
  });
}

async function signIn(browser: MiniBrowser, persona: PersonaKey): Promise<void> {
  await browser.request(u("/signin"));
  const started = await startSignIn(browser);
  expect(started.status).toBe(200);
  const { url } = (await started.json()) as { url: string };
  const { callbackUrl } = await signInAs(browser, url, persona, server.callbackUrl);
  const done = await browser.request(callbackUrl);
  expect(done.status, "callback").toBe(302);
  expect(done.headers.get("location")).toBe(u("/"));
}

async function auditRows(action: string): Promise<{ requestId: string; details: Record<string, unknown> }[]> {
  const res = await admin.request(u(`/api/audit?action=${encodeURIComponent(action)}&pageSize=200`));
  expect(res.status).toBe(200);
  return ((await res.json()) as { rows: { requestId: string; details: Record<string, unknown> }[] }).rows;
}

const linesFor = (requestId: string) => server.logs.filter((l) => l.requestId === requestId);
const settle = () => new Promise((r) => setTimeout(r, 150));

/**
 * One request in its own right (node:http: fetch refuses TRACE): status, public error body, and the log lines that
 * carry its request id.
 */
async function hostile(method: string, p: string, init: { headers?: Record<string, string>; body?: string } = {}) {
  const res = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>(
    (resolve, reject) => {
      const req = http.request(u(p), { method, headers: init.headers }, (r) => {
        let text = "";
        r.setEncoding("utf8");
        r.on("data", (c: string) => (text += c));
        r.on("end", () => resolve({ status: r.statusCode ?? 0, headers: r.headers, text }));
      });
      req.on("error", reject);
      req.end(init.body);
    },
  );
  let body: Record<string, unknown> | undefined;
  try {
    body = JSON.parse(res.text) as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  await settle();
  const requestId = String(res.headers["x-request-id"] ?? "");
  return { status: res.status, body, text: res.text, requestId, lines: linesFor(requestId) };
}

function expectRefused(r: Awaited<ReturnType<typeof hostile>>, status: number, code: string) {
  const where = `${r.status} ${r.text.slice(0, 200)}`;
  expect(r.status, where).toBe(status);
  expect(r.requestId, where).toMatch(UUID);
  expect(r.body, where).toMatchObject({ code, message: expect.any(String), requestId: r.requestId });
  expect(
    r.lines.filter((l) => l.level === 40),
    "one warn line with the request id",
  ).toHaveLength(1);
  expect(
    r.lines.filter((l) => l.level >= 50),
    "no error-level line",
  ).toHaveLength(0);
}

describe("open redirect after sign-in", () => {
  it.each([
    "%2F%5Cevil.example",
    "%2F%09%2Fevil.example",
    "%2F%5C%2Fevil.example",
    "%2F%2Fevil.example",
    "https%3A%2F%2Fevil.example",
    "%09%2F%2Fevil.example",
    "javascript%3Aalert(1)",
    "https%3A%2F%2Flocalhost%40evil.example",
    "%2F.%2F%2Fevil.example",
  ])("a signed-in user at /signin?callbackUrl=%s stays on the app", async (raw) => {
    const res = await admin.request(u(`/signin?callbackUrl=${raw}`));
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toBe("/");
  });

  it("a same-origin target is kept, normalised", async () => {
    const res = await admin.request(u(`/signin?callbackUrl=${encodeURIComponent("/inventory/../vaults?x=1")}`));
    expect(res.headers.get("location")).toBe("/vaults?x=1");
  });

  it("next-auth's redirect callback refuses the same targets", async () => {
    const browser = new MiniBrowser();
    await browser.request(u("/signin"));
    await startSignIn(browser, "/\\evil.example");
    const cookie = browser.jar.header(u("/"))!;
    const callback = /next-auth\.callback-url=([^;]+)/.exec(cookie)?.[1];
    expect(decodeURIComponent(callback!)).toBe(u("/"));
  });
});

describe("request ids", () => {
  it("a client's X-Request-Id is not used", async () => {
    const res = await fetch(u("/api/me"), { headers: { "x-request-id": "attacker-chosen-id-123" } });
    const body = (await res.json()) as { requestId: string };
    expect(res.headers.get("x-request-id")).toMatch(UUID);
    expect(body.requestId).toBe(res.headers.get("x-request-id"));
  });
});

describe("failed sign-ins are audited", () => {
  it("a crafted callback (no state cookie) leaves auth.signin.failed with a safe reason", async () => {
    const browser = new MiniBrowser();
    await browser.request(u("/signin"));
    const res = await browser.request(
      u("/api/auth/callback/azure-ad?code=forged-code&state=forged-state&iss=<script>"),
    );
    expect(res.status).toBe(302);
    const requestId = res.headers.get("x-request-id");
    const rows = (await auditRows("auth.signin.failed")).filter((r) => r.requestId === requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0].details).toMatchObject({ reason: "OAuthCallback", cause: "state_check_failed" });
    expect(JSON.stringify(rows[0].details)).not.toContain("forged");
  });

  it("a sign-in cancelled at the identity provider is audited", async () => {
    const browser = new MiniBrowser();
    await browser.request(u("/signin"));
    const started = await startSignIn(browser);
    const { url } = (await started.json()) as { url: string };
    const first = await browser.follow(url, {}, (x) => x.startsWith(server.callbackUrl));
    const cancelAction = /<form method="post" action="([^"]+)">\s*<button[^>]*name="cancel"/.exec(first.body)?.[1];
    const cancelled = await browser.follow(new URL(cancelAction!, first.url).href, { form: { cancel: "1" } }, (x) =>
      x.startsWith(server.callbackUrl),
    );
    expect(cancelled.stoppedAt).toContain("error=access_denied");
    const res = await browser.request(cancelled.stoppedAt!);
    const requestId = res.headers.get("x-request-id");
    const rows = (await auditRows("auth.signin.failed")).filter((r) => r.requestId === requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0].details).toMatchObject({ reason: "Callback", cause: "idp_error", idpError: "access_denied" });
  });

  it("one client's failed callbacks count toward its lockout; once locked they stop adding rows", async () => {
    const browser = new MiniBrowser();
    await browser.request(u("/signin"));
    const ids: string[] = [];
    for (let i = 0; i < SIGNIN_MAX + 3; i++) {
      const res = await browser.request(u(`/api/auth/callback/azure-ad?code=c${i}&state=s${i}`));
      ids.push(res.headers.get("x-request-id")!);
    }
    const failed = (await auditRows("auth.signin.failed")).filter((r) => ids.includes(r.requestId));
    expect(failed).toHaveLength(SIGNIN_MAX);
    const locked = (await auditRows("auth.signin.locked")).filter((r) => ids.includes(r.requestId));
    expect(locked).toHaveLength(1);
  });
});

describe("next-auth's client logger endpoint", () => {
  it.each([
    ["application/json", JSON.stringify({ level: "error", code: "PWNED_JSON", message: "hacked" })],
    ["application/x-www-form-urlencoded", "level=error&code=PWNED_FORM&message=hacked"],
  ])("POST /api/auth/_log (%s) is refused and writes nothing", async (type, body) => {
    const r = await hostile("POST", "/api/auth/_log", { headers: { "content-type": type }, body });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ code: "not_found", requestId: r.requestId });
    expect(server.logs.filter((l) => String(l.code ?? "").startsWith("PWNED"))).toEqual([]);
    expect(server.logs.filter((l) => l.level >= 50)).toEqual([]);
  });
});

describe("the request gate and the proxy (lib/web/request-gate.ts)", () => {
  it("a page the gate prepares carries its nonce: the CSP header's nonce is the one on the page's scripts", async () => {
    // an ordinary GET (no proxy): the not-found page, which needs no session
    const res = await fetch(u("/no-such-page"));
    expect(res.status).toBe(404);
    expect(res.headers.get("x-request-id")).toMatch(UUID);
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(String(res.headers.get("content-security-policy")))?.[1];
    expect(nonce).toBeTruthy();
    const html = await res.text();
    const nonces = [...html.matchAll(/<script[^>]*\snonce="([^"]+)"/g)].map((m) => m[1]);
    expect(nonces.length).toBeGreaterThan(0);
    expect(new Set(nonces)).toEqual(new Set([nonce]));
  });

  it("server.js removes client marks from the first request on: it loads gate-mark.js before Next.js", () => {
    const serverJs = readFileSync(path.resolve(".next/standalone/server.js"), "utf8");
    expect(serverJs.startsWith('require("./gate-mark.js");')).toBe(true);
    expect(readFileSync(path.resolve(".next/standalone/gate-mark.js"), "utf8")).toContain("x-cc-gate");
  });

  it("a client's gate mark does not let a request skip the proxy", async () => {
    const forged = { "x-cc-gate": "forged" };
    expectRefused(await hostile("GET", "/inventory/%ZZ", { headers: forged }), 400, "invalid_input");
    const action = { headers: { "next-action": actionId, origin: server.url, ...forged }, body: undefined };
    expectRefused(await hostile("POST", "/settings", action), 400, "invalid_input");
    const slash = await hostile("GET", "/inventory/", { headers: forged });
    expect(slash.status).toBe(308);
  });
});

describe("framework-level errors become 4xx", () => {
  it.each([
    ["GET", "/inventory/%ZZ"],
    ["GET", "/api/scans/%ED%A0%80"],
    ["DELETE", "/api/sessions/%ZZ"],
    ["GET", "/api/auth/%ZZ"],
    ["GET", "/vaults/%E0%A4%A"],
  ])("%s %s (malformed percent-encoding) → 400", async (method, p) => {
    expectRefused(await hostile(method, p), 400, "invalid_input");
  });

  it.each(["/api/healthz", "/signin", "/", "/api/auth/session", "/api/scans"])("TRACE %s → 405", async (p) => {
    const r = await hostile("TRACE", p);
    expectRefused(r, 405, "method_not_allowed");
  });

  const action = (body: string | undefined, headers: Record<string, string> = {}) => ({
    headers: { "next-action": actionId, origin: server.url, ...headers },
    body,
  });

  it("server action with an empty body → 400", async () => {
    expectRefused(await hostile("POST", "/settings", action(undefined)), 400, "invalid_input");
  });

  it.each([
    ["text/plain;charset=UTF-8", "not json"],
    ["text/plain;charset=UTF-8", "[1,"],
    ["application/json", "{"],
  ])("server action with a %s body %j → 400", async (type, body) => {
    expectRefused(await hostile("POST", "/settings", action(body, { "content-type": type })), 400, "invalid_input");
  });

  // Valid JSON, but not an argument list React can decode without parts a plain body cannot carry.
  it.each(['"$1"', "1", "null", '"x"', '"$Q1"', '["$h1"]', '["$F1"]', '["$B1"]', '[{"a":"$W2"}]'])(
    "server action with the reply %s → 400",
    async (body) => {
      const r = await hostile("POST", "/settings", action(body, { "content-type": "text/plain;charset=UTF-8" }));
      expectRefused(r, 400, "invalid_input");
    },
  );

  it("server action with a multipart body but no argument list → 400", async () => {
    const body = '--b0\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--b0--\r\n';
    const r = await hostile("POST", "/settings", action(body, { "content-type": "multipart/form-data; boundary=b0" }));
    expectRefused(r, 400, "invalid_input");
  });

  // React follows each reference to the form field it names; one that names no field used to fail inside Next (500).
  it.each(['["$1"]', '["$Q2"]', '[{"a":"$W3:x"}]', '["$h1"]', '["$@4"]', '["$Zzz"]'])(
    "server action with a multipart argument list %s that names a missing part → 400",
    async (args) => {
      const body = `--b0\r\nContent-Disposition: form-data; name="0"\r\n\r\n${args}\r\n--b0--\r\n`;
      const r = await hostile(
        "POST",
        "/settings",
        action(body, { "content-type": "multipart/form-data; boundary=b0" }),
      );
      expectRefused(r, 400, "invalid_input");
    },
  );

  it("a multipart argument list whose references all resolve is passed on to the action", async () => {
    const body =
      '--b0\r\nContent-Disposition: form-data; name="0"\r\n\r\n["$K1"]\r\n' +
      '--b0\r\nContent-Disposition: form-data; name="1_x"\r\n\r\n1\r\n--b0--\r\n';
    const r = await hostile("POST", "/settings", action(body, { "content-type": "multipart/form-data; boundary=b0" }));
    expect(r.status).not.toBe(500);
    expect(r.text).not.toMatch(/not valid/);
  });

  it("server action over the size limit → 413 (declared length and chunked)", async () => {
    const big = "a".repeat(1024 * 1024 + 10);
    const type = { "content-type": "text/plain;charset=UTF-8" };
    expectRefused(await hostile("POST", "/settings", action(big, type)), 413, "payload_too_large");
    const chunked = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const res = await fetch(u("/settings"), {
      method: "POST",
      headers: { "next-action": actionId, origin: server.url, ...type },
      body: chunked,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it.each(["http://evil.example", "null", "http://localhost.evil.example"])(
    "server action from Origin %s → 403",
    async (origin) => {
      const r = await hostile("POST", "/settings", action("[]", { "content-type": "text/plain", origin }));
      expectRefused(r, 403, "forbidden");
    },
  );

  it.each([
    ["multipart/form-data; boundary=zzz", "garbage"],
    ["multipart/form-data", "garbage"],
    ["multipart/form-data; boundary=", "--\r\n"],
  ])("server action with %j → 400", async (type, body) => {
    expectRefused(await hostile("POST", "/settings", action(body, { "content-type": type })), 400, "invalid_input");
  });

  it("a multipart POST to a page without Next-Action (no-JS form) with a bad boundary → 400", async () => {
    const r = await hostile("POST", "/settings", {
      headers: { "content-type": "multipart/form-data; boundary=zzz", origin: server.url },
      body: "garbage",
    });
    expectRefused(r, 400, "invalid_input");
  });

  it("well-formed server action requests still reach the action (JSON and multipart)", async () => {
    const json = await fetch(u("/settings"), {
      method: "POST",
      headers: { "next-action": actionId, origin: server.url, "content-type": "text/plain;charset=UTF-8" },
      body: "[]",
    });
    expect(json.status).toBe(200);
    expect(await json.text()).toContain('"code":"unauthenticated"');
    const form = new FormData();
    form.append("0", '["$K1"]');
    form.append("1_mode", "full");
    const multipart = await fetch(u("/settings"), {
      method: "POST",
      headers: { "next-action": actionId, origin: server.url },
      body: form,
    });
    expect(multipart.status).toBe(200);
    expect(await multipart.text()).toContain('"code":"unauthenticated"');
  });
});

describe("sign-in rate limit without a trusted proxy", () => {
  it("sets an HttpOnly, SameSite=Lax client cookie on the sign-in page", async () => {
    const res = await fetch(u("/signin"));
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("cc.signin-client="));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\//i);
    expect(cookie).not.toMatch(/; Secure/i);
  });

  it("one browser's burst locks that browser only", async () => {
    const noisy = new MiniBrowser();
    await noisy.request(u("/signin"));
    for (let i = 0; i < SIGNIN_MAX; i++) expect((await startSignIn(noisy)).status, `attempt ${i + 1}`).toBe(200);
    const refused = await startSignIn(noisy);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { url: string }).url).toContain("error=RateLimited");

    const colleague = new MiniBrowser();
    await colleague.request(u("/signin"));
    expect((await startSignIn(colleague)).status).toBe(200);
    await signIn(new MiniBrowser(), "viewer");
  });

  it("requests without the cookie share one bucket, apart from browsers that have one", async () => {
    const bare = () => new MiniBrowser();
    let last = 0;
    for (let i = 0; i <= SIGNIN_MAX; i++) last = (await startSignIn(bare())).status;
    expect(last).toBe(429);
    const withCookie = new MiniBrowser();
    await withCookie.request(u("/signin"));
    expect((await startSignIn(withCookie)).status).toBe(200);
  });

  it("a forged cookie value is treated as no cookie", async () => {
    const res = await fetch(u("/api/auth/csrf"));
    const csrf = (await res.json()) as { csrfToken: string };
    const csrfCookie = res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const attempt = await fetch(u("/api/auth/signin/azure-ad"), {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: `${csrfCookie}; cc.signin-client=made-up-value.AAAA`,
      },
      body: new URLSearchParams({ csrfToken: csrf.csrfToken, callbackUrl: "/", json: "true" }).toString(),
    });
    // The cookie-less bucket was used up by the previous test.
    expect(attempt.status).toBe(429);
  });
});

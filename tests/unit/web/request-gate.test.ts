import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { GATE_HEADER } from "@/lib/web/gate-mark";
import { installRequestGate } from "@/lib/web/request-gate";

const ENV = { APP_ENV: "test", SECRET_KEY: "test-secret-key-0123456789abcdef0123456789abcdef", LOG_LEVEL: "silent" };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A server standing in for Next.js: it answers with the request headers it was handed. */
let server: http.Server;
let port: number;
beforeAll(async () => {
  installRequestGate();
  server = http.createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(req.headers));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  Object.assign(process.env, ENV);
  resetConfigForTests();
});
afterEach(() => {
  delete process.env.TRUST_PROXY;
  resetConfigForTests();
});

/** Raw HTTP, so that any method, path and header reaches the server as written. */
function send(method: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; handedOn: Record<string, string> }>(
    (resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => {
          const json = res.headers["content-type"] === "application/json" && body && !body.includes('"code"');
          resolve({ status: res.statusCode!, headers: res.headers, handedOn: json ? JSON.parse(body) : {} });
        });
      });
      req.on("error", reject);
      req.end();
    },
  );
}

describe("the HTTP server's request gate", () => {
  it("prepares an ordinary GET as the proxy would: server request id, CSP nonce on request and response, its mark", async () => {
    const r = await send("GET", "/inventory?type=secret", { "x-request-id": "client-chosen", [GATE_HEADER]: "forged" });
    expect(r.status).toBe(200);
    const { handedOn } = r;
    expect(handedOn["x-request-id"]).toMatch(UUID);
    expect(r.headers["x-request-id"]).toBe(handedOn["x-request-id"]);
    expect(handedOn["x-ingress-request-id"]).toBeUndefined();
    const nonce = handedOn["x-nonce"];
    expect(nonce).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
    expect(handedOn["content-security-policy"]).toContain(`'nonce-${nonce}' 'strict-dynamic'`);
    expect(r.headers["content-security-policy"]).toBe(handedOn["content-security-policy"]);
    expect(handedOn[GATE_HEADER]).toBe("1");
    expect(r.headers["strict-transport-security"]).toBeUndefined();
  });

  it("gives each request its own id and nonce", async () => {
    const [a, b] = await Promise.all([send("GET", "/"), send("HEAD", "/")]);
    expect(a.headers["x-request-id"]).not.toBe(b.headers["x-request-id"]);
    expect(a.headers["content-security-policy"]).not.toBe(b.headers["content-security-policy"]);
  });

  it("keeps the ingress's id only behind a trusted proxy, and sends HSTS for a request that came over HTTPS", async () => {
    const untrusted = await send("GET", "/api/me", { "x-request-id": "ingress-1234", "x-ingress-request-id": "x" });
    expect(untrusted.handedOn["x-ingress-request-id"]).toBeUndefined();
    process.env.TRUST_PROXY = "true";
    resetConfigForTests();
    const trusted = await send("GET", "/api/me", { "x-request-id": "ingress-1234", "x-forwarded-proto": "https" });
    expect(trusted.handedOn["x-ingress-request-id"]).toBe("ingress-1234");
    expect(trusted.handedOn["x-request-id"]).toMatch(UUID);
    expect(trusted.headers["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains");
  });

  it.each([
    ["POST", "/inventory"],
    ["PUT", "/api/settings"],
    ["GET", "/signin"],
    ["GET", "/signin?callbackUrl=%2F"],
    ["GET", "/inventory/"],
    ["GET", "/%E0%A4%A"],
    ["GET", `/inventory?q=${"a".repeat(9000)}`],
    ["GET", "/_next/static/chunks/app.js"],
    ["GET", "/favicon.ico"],
  ])("leaves %s %s to the proxy: unmarked, a client's mark removed, nothing set", async (method, path) => {
    const r = await send(method, path, { [GATE_HEADER]: "forged", "x-request-id": "client-chosen" });
    expect(r.handedOn[GATE_HEADER]).toBeUndefined();
    expect(r.handedOn["x-nonce"]).toBeUndefined();
    expect(r.handedOn["x-request-id"]).toBe("client-chosen");
    expect(r.headers["content-security-policy"]).toBeUndefined();
  });

  it("refuses TRACE itself (the Fetch API cannot carry it to the proxy)", async () => {
    const r = await send("TRACE", "/");
    expect(r.status).toBe(405);
    expect(r.headers.allow).toContain("GET");
    expect(r.headers["x-request-id"]).toMatch(UUID);
  });
});

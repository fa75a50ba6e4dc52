import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { GATE_HEADER, installMarkStripper } from "@/lib/web/gate-mark";
import { installRequestGate } from "@/lib/web/request-gate";

// The order server.js gives them: the stripper before Next.js starts, the gate when instrumentation.ts runs.
let server: http.Server;
let port: number;
beforeAll(async () => {
  installMarkStripper();
  server = http.createServer((req, res) => res.end(JSON.stringify(req.headers)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  Object.assign(process.env, { APP_ENV: "test", SECRET_KEY: "test-secret-key-0123456789abcdef0123456789abcdef" });
  resetConfigForTests();
});

async function handedOn(method: string, path: string): Promise<Record<string, string>> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { [GATE_HEADER]: "forged" } });
  return (await res.json()) as Record<string, string>;
}

describe("a client's gate mark before and after the gate is installed", () => {
  it("is removed while the server starts (no gate yet), so the request meets the proxy", async () => {
    expect((await handedOn("GET", "/inventory"))[GATE_HEADER]).toBeUndefined();
  });

  it("once the gate is installed, only the gate's own mark reaches Next.js", async () => {
    installRequestGate();
    const ordinary = await handedOn("GET", "/inventory");
    expect(ordinary[GATE_HEADER]).toBe("1");
    expect((await handedOn("POST", "/inventory"))[GATE_HEADER]).toBeUndefined();
  });
});

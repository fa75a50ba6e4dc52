// Outbound safety: refused addresses (literal, behind a DNS name, IPv4-mapped), the allow-list switch, HTTPS in
// production, no redirect followed, timeouts.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { isRefusedAddress } from "@/lib/alerts/address-policy";
import { OutboundRefused, postJson, vetTarget } from "@/lib/alerts/outbound";
import { resetConfigForTests } from "@/lib/config";
import { startHttpReceiver, type HttpReceiver } from "./receivers";

const BASE = {
  APP_ENV: "test",
  SECRET_KEY: "test-secret-key-0123456789abcdef0123456789abcdef",
  LOG_LEVEL: "silent",
  ALERTS_OUTBOUND_ALLOW: "",
  ENTRA_TENANT_ID: "11111111-2222-3333-4444-555555555555",
  ENTRA_CLIENT_ID: "cc-test-client",
  ENTRA_CLIENT_SECRET: "cc-test-client-secret",
};
function configure(env: Record<string, string>) {
  Object.assign(process.env, BASE, env);
  resetConfigForTests();
}

let rx: HttpReceiver;
beforeAll(async () => {
  rx = await startHttpReceiver();
});
afterAll(async () => {
  await rx?.close();
});
afterEach(() => configure({}));

describe("refused addresses", () => {
  test.each([
    "127.0.0.1",
    "127.8.9.1",
    "10.1.2.3",
    "172.20.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "fe80::1",
    "fd12:3456::1",
    "::ffff:10.0.0.1",
    "::ffff:127.0.0.1",
  ])("%s", (ip) => expect(isRefusedAddress(ip)).toBe(true));
  test.each(["20.50.2.1", "8.8.8.8", "2603:1030::1"])("%s is public", (ip) => expect(isRefusedAddress(ip)).toBe(false));

  test("loopback, a name resolving to loopback, and metadata are refused without the allow-list; nothing is sent", async () => {
    configure({});
    const port = new URL(rx.url).port;
    for (const url of [
      `http://127.0.0.1:${port}/x`,
      `http://localhost:${port}/x`,
      "http://169.254.169.254/latest/meta-data/",
      "http://[::ffff:a00:1]/",
    ]) {
      const r = await postJson(url, { a: 1 });
      expect(r.ok, url).toBe(false);
      expect(r.retryable).toBe(false);
      expect(r.error, url).toMatch(/^refused: .*loopback, private, link-local or metadata/);
    }
    expect(rx.requests.length).toBe(0);
  });

  test("a DNS name resolving to a private address is refused, whichever of its addresses it is", async () => {
    configure({});
    const resolver = async () => [
      { address: "20.50.2.1", family: 4 },
      { address: "10.0.0.7", family: 4 },
    ];
    await expect(vetTarget(new URL("https://hooks.example.test/x"), resolver)).rejects.toThrow(OutboundRefused);
    await expect(vetTarget(new URL("https://hooks.example.test/x"), resolver)).rejects.toThrow(
      /resolves to 10\.0\.0\.7/,
    );
    await expect(
      vetTarget(new URL("https://ok.example.test/"), async () => [{ address: "20.50.2.1", family: 4 }]),
    ).resolves.toEqual({
      address: "20.50.2.1",
      family: 4,
    });
  });

  test("the allow-list permits a named range or host", async () => {
    configure({ ALERTS_OUTBOUND_ALLOW: "127.0.0.1/32" });
    expect((await postJson(`${rx.url}/ok`, { a: 1 })).ok).toBe(true);
    configure({ ALERTS_OUTBOUND_ALLOW: "localhost" });
    expect((await postJson(`http://localhost:${new URL(rx.url).port}/ok`, { a: 1 })).ok).toBe(true);
    expect(rx.requests.length).toBe(2);
  });

  test("credentials in the URL and non-http schemes are refused", async () => {
    configure({ ALERTS_OUTBOUND_ALLOW: "127.0.0.1/32" });
    expect((await postJson(`http://u:p@127.0.0.1:${new URL(rx.url).port}/`, {})).error).toMatch(/credentials/);
    expect((await postJson("file:///etc/passwd", {})).error).toMatch(/only http/);
  });
});

describe("HTTPS in production", () => {
  test("plain http is refused in production, unless the host is allow-listed", async () => {
    configure({ APP_ENV: "production", APP_URL: "https://cc.contoso.test" });
    expect((await postJson("http://hooks.example.com/x", {})).error).toBe("refused: HTTPS is required in production");
    configure({ APP_ENV: "production", APP_URL: "https://cc.contoso.test", ALERTS_OUTBOUND_ALLOW: "127.0.0.1/32" });
    expect((await postJson(`${rx.url}/prod`, {})).ok).toBe(true);
  });
});

describe("redirects and timeouts", () => {
  test("a redirect (here to the metadata address) is not followed", async () => {
    configure({ ALERTS_OUTBOUND_ALLOW: "127.0.0.1/32" });
    const before = rx.requests.length;
    rx.respond(302, "", { location: "http://169.254.169.254/latest/meta-data/" });
    try {
      const r = await postJson(`${rx.url}/redirect`, {});
      expect(r).toMatchObject({ ok: false, status: 302, error: "redirect not followed", retryable: false });
      expect(rx.requests.length).toBe(before + 1);
    } finally {
      rx.respond(202);
    }
  });

  test("a receiver that never answers times out (retryable)", async () => {
    configure({ ALERTS_OUTBOUND_ALLOW: "127.0.0.1/32", ALERTS_OUTBOUND_TIMEOUT_MS: "300" });
    const hang = http.createServer(() => undefined);
    await new Promise<void>((r) => hang.listen(0, "127.0.0.1", r));
    try {
      const t0 = Date.now();
      const r = await postJson(`http://127.0.0.1:${(hang.address() as AddressInfo).port}/`, {});
      expect(r).toMatchObject({ ok: false, retryable: true, error: "no answer within 300 ms" });
      expect(Date.now() - t0).toBeLessThan(3000);
    } finally {
      hang.closeAllConnections();
      await new Promise<void>((r) => hang.close(() => r()));
    }
  });
});

describe("channel capabilities", () => {
  test("the outbox's list of resolving kinds matches the channels", async () => {
    const { CHANNEL_KINDS } = await import("@/lib/alerts/channels");
    const { RESOLVING_KINDS } = await import("@/lib/alerts/channels/capabilities");
    for (const def of Object.values(CHANNEL_KINDS))
      expect(RESOLVING_KINDS.has(def.kind), def.kind).toBe(def.supportsResolve);
  });
});

// The scanner's client plumbing: the token cache answers repeated asks from memory but never a claims challenge, and
// the lean pipeline really takes the unused policies out of the Key Vault SDK clients (an SDK upgrade that moves its
// pipeline would make leanPipeline a silent no-op: this test says so).
import { SecretClient } from "@azure/keyvault-secrets";
import { CertificateClient } from "@azure/keyvault-certificates";
import { KeyClient } from "@azure/keyvault-keys";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import type { Pipeline } from "@azure/core-rest-pipeline";
import { describe, expect, test } from "vitest";
import { cachingCredential } from "@/lib/cloud/token-cache";
import { leanPipeline } from "@/lib/cloud/lean-pipeline";

function countingCredential(lifetimeMs: number) {
  const calls: { scopes: string | string[]; options?: GetTokenOptions }[] = [];
  const cred: TokenCredential = {
    async getToken(scopes, options): Promise<AccessToken> {
      calls.push({ scopes, options });
      return { token: `t${calls.length}`, expiresOnTimestamp: Date.now() + lifetimeMs };
    },
  };
  return { cred, calls };
}

describe("token cache", () => {
  test("a fresh token is served from memory, per scope and tenant", async () => {
    const { cred, calls } = countingCredential(3_600_000);
    const c = cachingCredential(cred);
    const a = await c.getToken("https://vault.azure.net/.default", { tenantId: "t1" });
    const b = await c.getToken("https://vault.azure.net/.default", { tenantId: "t1" });
    expect(b).toBe(a);
    expect(calls).toHaveLength(1);
    await c.getToken("https://vault.azure.net/.default", { tenantId: "t2" });
    await c.getToken("https://management.azure.com/.default", { tenantId: "t1" });
    expect(calls).toHaveLength(3);
  });

  test("a token within 5 minutes of expiry is fetched again", async () => {
    const { cred, calls } = countingCredential(4 * 60_000);
    const c = cachingCredential(cred);
    await c.getToken("s");
    await c.getToken("s");
    expect(calls).toHaveLength(2);
  });

  test("a claims challenge always reaches the credential and is not cached", async () => {
    const { cred, calls } = countingCredential(3_600_000);
    const c = cachingCredential(cred);
    const plain = await c.getToken("s");
    const challenged = await c.getToken("s", { claims: "{}" });
    expect(challenged).not.toBe(plain);
    expect(await c.getToken("s")).toBe(plain);
    expect(calls).toHaveLength(2);
  });
});

describe("lean Key Vault pipeline", () => {
  const cred: TokenCredential = { getToken: async () => null };
  const removed = [
    "tracingPolicy",
    "logPolicy",
    "redirectPolicy",
    "defaultRetryPolicy",
    "formDataPolicy",
    "multipartPolicy",
  ];
  test.each([SecretClient, CertificateClient, KeyClient])(
    "%o keeps authentication and drops the unused policies",
    (C) => {
      const client = leanPipeline(new C("https://v.vault.azure.net", cred, { retryOptions: { maxRetries: 0 } }));
      const names = (client as unknown as { client: { pipeline: Pipeline } }).client.pipeline
        .getOrderedPolicies()
        .map((p) => p.name);
      expect(names).toContain("keyVaultAuthenticationPolicy");
      expect(names).toContain("userAgentPolicy");
      for (const n of removed) expect(names).not.toContain(n);
    },
  );
});

import { describe, expect, it } from "vitest";
import { parseKeyVaultReference, parseSecretUrl } from "@/lib/cloud/consumers";
import { matchConsumers } from "@/lib/rotation/consumers";
import { expandPattern, linksForApp, type LinkSecret } from "@/lib/rotation/links";

const app = {
  id: "obj-1",
  appId: "11111111-2222-3333-4444-555555555555",
  displayName: "Payments API",
  keyIds: ["k-1", "k-2"],
};
const secret = (name: string, tags: Record<string, string> = {}, vaultName = "kv-a"): LinkSecret => ({
  vaultId: `/v/${vaultName}`,
  vaultName,
  vaultUri: `https://${vaultName}.vault.azure.net/`,
  name,
  tags,
  contentType: null,
  managed: false,
});
const PATTERNS = ["app-{appSlug}-client-secret", "{appSlug}-client-secret"];

describe("links", () => {
  it("expands naming patterns", () => {
    expect(expandPattern("app-{appSlug}-client-secret", app)).toBe("app-payments-api-client-secret");
    expect(expandPattern("{appId}-secret", app)).toBe(`${app.appId}-secret`);
  });

  it("ranks tags over naming over suggestion, and only active links rotate", () => {
    const links = linksForApp(
      app,
      [
        secret("sp", { "cc-app-id": app.appId.toUpperCase(), "cc-credential-key-id": "k-2" }),
        secret("app-payments-api-client-secret"),
        secret("payments-api-password-old"),
        secret("unrelated"),
      ],
      PATTERNS,
      [],
    );
    expect(links.map((l) => [l.secret.name, l.source, l.confidence, l.active, l.keyId])).toEqual([
      ["app-payments-api-client-secret", "naming", "medium", true, undefined],
      ["payments-api-password-old", "suggested", "low", false, undefined],
      ["sp", "tags", "high", true, "k-2"],
    ]);
  });

  it("accepts Microsoft's rotation-sample tags (CredentialId, ProviderAddress, ValidityPeriodDays)", () => {
    const [byAddress] = linksForApp(app, [secret("x", { ProviderAddress: app.id, ValidityPeriodDays: "60" })], [], []);
    expect(byAddress).toMatchObject({ source: "tags", active: true, validityDays: 60 });
    const [byCred] = linksForApp(app, [secret("y", { CredentialId: "k-1" })], [], []);
    expect(byCred).toMatchObject({ source: "tags", keyId: "k-1" });
    expect(linksForApp(app, [secret("z", { CredentialId: "someone-else" })], [], [])).toEqual([]);
  });

  it("a confirmation activates a suggestion; a rejection beats even tags", () => {
    const s = [secret("payments-api-password-old"), secret("sp", { "cc-app-id": app.appId })];
    const d = (name: string, decision: "confirmed" | "rejected") => ({
      vaultId: "/v/kv-a",
      secretName: name,
      appObjectId: app.id,
      decision,
    });
    const links = linksForApp(app, s, [], [d("payments-api-password-old", "confirmed"), d("sp", "rejected")]);
    expect(links.map((l) => [l.secret.name, l.source, l.active])).toEqual([
      ["payments-api-password-old", "confirmed", true],
      ["sp", "tags", false],
    ]);
  });

  it("never links a certificate's managed secret", () => {
    expect(linksForApp(app, [{ ...secret("app-payments-api-client-secret"), managed: true }], PATTERNS, [])).toEqual(
      [],
    );
  });
});

describe("consumer references", () => {
  it("parses both App Service forms, versioned and versionless", () => {
    expect(parseKeyVaultReference("@Microsoft.KeyVault(SecretUri=https://kv-a.vault.azure.net/secrets/db/)")).toEqual({
      vaultHost: "kv-a.vault.azure.net",
      secretName: "db",
      version: null,
    });
    expect(
      parseKeyVaultReference("@Microsoft.KeyVault(SecretUri=https://kv-a.vault.azure.net/secrets/db/0123abcd)")
        ?.version,
    ).toBe("0123abcd");
    expect(parseKeyVaultReference("@Microsoft.KeyVault(VaultName=kv-a;SecretName=db)")).toEqual({
      vaultName: "kv-a",
      secretName: "db",
      version: null,
    });
    expect(
      parseKeyVaultReference("@Microsoft.KeyVault(VaultName=kv-a;SecretName=db;SecretVersion=ff00)")?.version,
    ).toBe("ff00");
    expect(parseKeyVaultReference("Server=tcp:x;Password=hunter2")).toBeNull();
    expect(parseSecretUrl("https://kv-a.vault.azure.net/secrets/db")).toMatchObject({
      secretName: "db",
      version: null,
    });
    expect(parseSecretUrl("https://kv-a.vault.azure.net/keys/db")).toBeNull();
  });

  it("matches references to the rotated secrets and flags versioned ones", () => {
    const refs = [
      {
        kind: "app_service" as const,
        resourceId: "/s/1",
        resourceName: "app-1",
        setting: "A",
        settingKind: "app_setting" as const,
        ref: { vaultName: "KV-A", secretName: "sp", version: null },
      },
      {
        kind: "container_app" as const,
        resourceId: "/c/1",
        resourceName: "ca-1",
        setting: "s",
        settingKind: "container_app_secret" as const,
        ref: { vaultHost: "kv-a.vault.azure.net", secretName: "sp", version: "v1" },
      },
      {
        kind: "app_service" as const,
        resourceId: "/s/2",
        resourceName: "app-2",
        setting: "B",
        settingKind: "app_setting" as const,
        ref: { vaultName: "kv-b", secretName: "sp", version: null },
      },
    ];
    const out = matchConsumers(refs, [
      { vaultName: "kv-a", vaultUri: "https://kv-a.vault.azure.net/", secretName: "sp" },
    ]);
    expect(out.map((c) => [c.resourceName, c.versioned])).toEqual([
      ["ca-1", true],
      ["app-1", false],
    ]);
    expect(out[0].effect).toMatch(/keeps the old value/);
    expect(out[1].effect).toMatch(/24 hours/);
  });
});

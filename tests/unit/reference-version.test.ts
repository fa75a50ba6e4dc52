import { describe, expect, it } from "vitest";
import { withReferenceVersion, withUrlVersion } from "@/lib/cloud/consumer-update";
import { parseKeyVaultReference } from "@/lib/cloud/consumers";

const V = "0123456789abcdef0123456789abcdef";

describe("withUrlVersion", () => {
  it("replaces a version, adds one to a versionless URL (with or without the trailing slash)", () => {
    expect(withUrlVersion("https://kv-a.vault.azure.net/secrets/db/ffff", V)).toBe(
      `https://kv-a.vault.azure.net/secrets/db/${V}`,
    );
    expect(withUrlVersion("https://kv-a.vault.azure.net/secrets/db", V)).toBe(
      `https://kv-a.vault.azure.net/secrets/db/${V}`,
    );
    expect(withUrlVersion("https://kv-a.vault.azure.net/secrets/db/", V)).toBe(
      `https://kv-a.vault.azure.net/secrets/db/${V}`,
    );
  });
  it("refuses what is not a secret URL", () => {
    expect(withUrlVersion("https://kv-a.vault.azure.net/keys/k/1", V)).toBeNull();
    expect(withUrlVersion("not a url", V)).toBeNull();
  });
});

describe("withReferenceVersion", () => {
  it("SecretUri form: the URI's version changes, the rest as written", () => {
    const out = withReferenceVersion("@Microsoft.KeyVault(SecretUri=https://kv-a.vault.azure.net/secrets/db/abc)", V);
    expect(out).toBe(`@Microsoft.KeyVault(SecretUri=https://kv-a.vault.azure.net/secrets/db/${V})`);
    expect(parseKeyVaultReference(out!)).toMatchObject({ secretName: "db", version: V });
  });
  it("VaultName form: SecretVersion replaced or added; order and spelling of the other parts kept", () => {
    expect(withReferenceVersion("@Microsoft.KeyVault(VaultName=kv-a;SecretName=db;SecretVersion=abc)", V)).toBe(
      `@Microsoft.KeyVault(VaultName=kv-a;SecretName=db;SecretVersion=${V})`,
    );
    expect(withReferenceVersion("@Microsoft.KeyVault(secretname=db; vaultname=kv-a)", V)).toBe(
      `@Microsoft.KeyVault(secretname=db; vaultname=kv-a;SecretVersion=${V})`,
    );
  });
  it("refuses a value that is not a reference (a plain setting is never rewritten)", () => {
    expect(withReferenceVersion("Server=tcp:db;Password=x", V)).toBeNull();
    expect(withReferenceVersion("@Microsoft.KeyVault(VaultName=kv-a)", V)).toBeNull();
  });
});

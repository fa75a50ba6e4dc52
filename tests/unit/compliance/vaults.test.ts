/** Vault rules: the Azure Policy conditions, absent values, case-insensitivity. */
import { describe, expect, test } from "vitest";
import { settingMeetsLogPolicy } from "@/lib/compliance/rules/vault-monitoring";
import { status, vault } from "./fixtures";

describe("recoverability and authorisation", () => {
  test("soft delete: false or absent fails", () => {
    expect(status("vault-soft-delete", vault())).toBe("pass");
    expect(status("vault-soft-delete", vault({ enableSoftDelete: false }))).toBe("fail");
    expect(status("vault-soft-delete", vault({ enableSoftDelete: null }))).toBe("fail");
  });
  test("purge protection: false or absent fails; soft delete false fails; soft delete absent alone does not", () => {
    expect(status("vault-purge-protection", vault())).toBe("pass");
    expect(status("vault-purge-protection", vault({ enablePurgeProtection: null }))).toBe("fail");
    expect(status("vault-purge-protection", vault({ enablePurgeProtection: false }))).toBe("fail");
    expect(status("vault-purge-protection", vault({ enableSoftDelete: false }))).toBe("fail");
    expect(status("vault-purge-protection", vault({ enableSoftDelete: null }))).toBe("pass");
  });
  test("RBAC: false or absent fails", () => {
    expect(status("vault-rbac", vault())).toBe("pass");
    expect(status("vault-rbac", vault({ enableRbacAuthorization: null }))).toBe("fail");
  });
  test("broad access policies: RBAC vaults n/a, unknown until recorded, all/purge fail (any case)", () => {
    const r = "vault-access-policy-broad";
    const ap = (secrets: string[]) => [{ objectId: "o", secrets, keys: ["get"], certificates: [] }];
    expect(status(r, vault())).toBe("notApplicable");
    expect(status(r, vault({ enableRbacAuthorization: false }))).toBe("unknown");
    expect(status(r, vault({ enableRbacAuthorization: false, accessPolicies: ap(["get", "list"]) }))).toBe("pass");
    expect(status(r, vault({ enableRbacAuthorization: false, accessPolicies: ap(["All"]) }))).toBe("fail");
    expect(status(r, vault({ enableRbacAuthorization: null, accessPolicies: ap(["purge"]) }))).toBe("fail");
    // as the inventory records them: secret permissions only
    const secretsOnly = (secrets: string[]) => [{ objectId: "o", secrets }];
    expect(status(r, vault({ enableRbacAuthorization: false, accessPolicies: secretsOnly(["Get", "Purge"]) }))).toBe(
      "fail",
    );
    expect(status(r, vault({ enableRbacAuthorization: false, accessPolicies: secretsOnly(["get"]) }))).toBe("unknown");
    expect(status(r, vault({ enableRbacAuthorization: false, accessPolicies: [] }))).toBe("pass");
  });
});

describe("network", () => {
  test("firewall: public access disabled, or default action Deny, passes; absent values fail", () => {
    const r = "vault-firewall";
    expect(status(r, vault({ networkDefaultAction: "Allow" }))).toBe("pass");
    expect(status(r, vault({ publicNetworkAccess: "Enabled", networkDefaultAction: "deny" }))).toBe("pass");
    expect(status(r, vault({ publicNetworkAccess: "Enabled", networkDefaultAction: "Allow" }))).toBe("fail");
    expect(status(r, vault({ publicNetworkAccess: null, networkDefaultAction: null }))).toBe("fail");
    const restricted = { restrictIPAddresses: "Yes", allowedIPAddresses: ["10.0.0.0/8"] };
    expect(status(r, vault({ publicNetworkAccess: "Enabled" }), restricted)).toBe("unknown");
  });
  test("public network access: only Disabled (any case) passes", () => {
    expect(status("vault-public-network-disabled", vault({ publicNetworkAccess: "disabled" }))).toBe("pass");
    expect(status("vault-public-network-disabled", vault({ publicNetworkAccess: "Enabled" }))).toBe("fail");
    expect(status("vault-public-network-disabled", vault({ publicNetworkAccess: null }))).toBe("fail");
  });
  test("private link: at least one Approved connection", () => {
    const r = "vault-private-link";
    expect(status(r, vault({ privateEndpointStates: ["Pending", "Approved"] }))).toBe("pass");
    expect(status(r, vault({ privateEndpointStates: ["Pending", "Rejected"] }))).toBe("fail");
    expect(status(r, vault({ privateEndpointCount: 0 }))).toBe("fail");
    expect(status(r, vault({ privateEndpointCount: 2 }))).toBe("unknown");
  });
});

describe("monitoring", () => {
  const setting = (days: number, enabled = true, storage = true) => ({
    storageAccountId: storage ? "/sa" : null,
    logs: [{ category: "AuditEvent", enabled, retentionPolicy: { enabled: true, days } }],
  });
  test("retention: 0 (forever) or at least the required days; fewer fails unless no storage account", () => {
    expect(settingMeetsLogPolicy(setting(365), 365)).toBe(true);
    expect(settingMeetsLogPolicy(setting(364), 365)).toBe(false);
    expect(settingMeetsLogPolicy(setting(0), 365)).toBe(true);
    expect(settingMeetsLogPolicy(setting(30, true, false), 365)).toBe(true);
    expect(settingMeetsLogPolicy(setting(90), 90)).toBe(true);
    expect(settingMeetsLogPolicy(setting(365, false), 365)).toBe(false);
    // padLeft-then-string comparison, as the definition does: 1000 days compares below "365"
    expect(settingMeetsLogPolicy(setting(1000), 365)).toBe(false);
  });
  test("resource logs: settings decide; otherwise the scan's summary; otherwise unknown", () => {
    const r = "vault-resource-logs";
    expect(status(r, vault({ diagnosticSettings: [setting(30), setting(0)] }))).toBe("pass");
    expect(status(r, vault({ diagnosticSettings: [] }))).toBe("fail");
    expect(status(r, vault({ diagnosticsEnabled: false }))).toBe("fail");
    expect(status(r, vault({ diagnosticsEnabled: true }))).toBe("pass");
    expect(status(r, vault({ diagnosticsEnabled: null }))).toBe("unknown");
  });
  test("Defender: Standard passes, Free or none fails, unread unknown", () => {
    expect(status("vault-defender", vault({ defenderForKeyVaultTier: "Standard" }))).toBe("pass");
    expect(status("vault-defender", vault({ defenderForKeyVaultTier: "Free" }))).toBe("fail");
    expect(status("vault-defender", vault({ defenderForKeyVaultTier: null }))).toBe("fail");
    expect(status("vault-defender", vault())).toBe("unknown");
  });
});

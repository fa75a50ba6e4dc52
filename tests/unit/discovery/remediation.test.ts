import { describe, expect, test } from "vitest";
import { POSTURE_REMEDIATION, remediationFor, vaultAccessRemediation } from "@/lib/discovery/remediation";

const vault = { name: "kv-pay", enableRbacAuthorization: true, vaultUri: "https://kv-pay.vault.azure.net/" };

describe("vaultAccessRemediation", () => {
  test("the remediation stored with the access error wins", () => {
    const v = { ...vault, accessStatus: "firewall", accessError: { message: "x", remediation: "do this" } };
    expect(vaultAccessRemediation(v)).toBe("do this");
  });
  test("a row stored without one gets the text for its access status, for this vault", () => {
    const v = { ...vault, accessStatus: "permission", accessError: { message: "Forbidden" } };
    expect(vaultAccessRemediation(v)).toBe(remediationFor({ kind: "permission", message: "Forbidden" }, vault));
    expect(vaultAccessRemediation(v)).toContain("'Key Vault Reader'");
    expect(vaultAccessRemediation({ ...v, enableRbacAuthorization: false })).toMatch(/access policy/);
    const privateOnly = {
      ...vault,
      accessStatus: "firewall",
      accessError: { code: "ForbiddenByConnection", message: "" },
    };
    expect(vaultAccessRemediation(privateOnly)).toMatch(/private endpoint to kv-pay/);
    expect(vaultAccessRemediation({ ...vault, accessStatus: "network", accessError: null })).toContain(vault.vaultUri);
  });
  test("a readable vault needs none", () => {
    expect(vaultAccessRemediation({ ...vault, accessStatus: "ok", accessError: null })).toBeNull();
    expect(vaultAccessRemediation({ ...vault, accessStatus: "unknown", accessError: null })).toBeNull();
  });
});

test("every posture check has a hint and a remediation", () => {
  for (const [check, t] of Object.entries(POSTURE_REMEDIATION)) {
    expect(t.hint.length, check).toBeGreaterThan(10);
    expect(t.remediation.length, check).toBeGreaterThan(40);
  }
});

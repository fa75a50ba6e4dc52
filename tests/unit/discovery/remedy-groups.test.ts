import { describe, expect, it } from "vitest";
import { groupByRemedy } from "@/lib/discovery/remedy-groups";
import { remediationFor } from "@/lib/discovery/remediation";

const id = (name: string) => `/subscriptions/s1/resourcegroups/rg/providers/microsoft.keyvault/vaults/${name}`;
const denied = { kind: "permission" as const, message: "Forbidden" };
const err = (name: string, rbac: boolean, kind: "permission" | "network" = "permission") => ({
  scope: id(name),
  remediation: remediationFor(kind === "network" ? { kind, message: "timeout" } : denied, {
    name,
    enableRbacAuthorization: rbac,
    vaultUri: `https://${name}.vault.azure.net/`,
  }),
});

describe("groupByRemedy (How to fix on a scan's errors)", () => {
  it("a permission group mixing RBAC and access-policy vaults gets one remedy per model, each listing its vaults", () => {
    const groups = groupByRemedy([
      err("kv-a", true),
      err("kv-b", false),
      err("kv-c", true),
      err("kv-d", false),
      err("kv-e", true),
    ]);
    expect(groups).toHaveLength(2);
    const [rbac, ap] = groups;
    expect(rbac.remedy).toMatch(/Key Vault Reader/);
    expect(rbac.scopes).toEqual([id("kv-a"), id("kv-c"), id("kv-e")]);
    expect(ap.remedy).toMatch(/access policy/);
    expect(ap.scopes).toEqual([id("kv-b"), id("kv-d")]);
    // no group's text names one of its vaults
    for (const g of groups) for (const v of ["kv-a", "kv-b", "kv-c", "kv-d", "kv-e"]) expect(g.remedy).not.toContain(v);
  });

  it("vault URIs are generic too; a vault with two errors of one remedy is listed once", () => {
    const groups = groupByRemedy([
      err("kv-a", true, "network"),
      err("kv-b", false, "network"),
      err("kv-a", true, "network"),
    ]);
    expect(groups).toHaveLength(1);
    expect(groups[0].scopes).toEqual([id("kv-a"), id("kv-b")]);
    expect(groups[0].errors).toHaveLength(3);
    expect(groups[0].remedy).not.toMatch(/vault\.azure\.net/);
  });

  it("a name that is part of another word is left alone; non-vault scopes keep their text", () => {
    const [g] = groupByRemedy([
      { scope: id("vault"), remediation: "Check the vault's privatelink.vaultcore.azure.net DNS for vault." },
    ]);
    expect(g.remedy).toContain("privatelink.vaultcore.azure.net");
    const [s] = groupByRemedy([{ scope: "graph", remediation: "Grant Application.Read.All." }]);
    expect(s.remedy).toBe("Grant Application.Read.All.");
  });
});

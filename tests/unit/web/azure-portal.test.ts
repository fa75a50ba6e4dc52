import { describe, expect, it } from "vitest";
import { portalLinks } from "@/lib/azure-portal";

const TENANT = "6f1c2a9e-8d4b-4c7a-b3e5-0d9f2a7c4e18";
const VAULT =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-prod/providers/Microsoft.KeyVault/vaults/kv-prod";

describe("Azure portal links follow the configured cloud", () => {
  it("opens a vault's overview in the public portal, in the tenant's directory", () => {
    expect(portalLinks("AzurePublic", TENANT)!.resource(VAULT)).toBe(
      `https://portal.azure.com/#@${TENANT}/resource${VAULT}/overview`,
    );
  });

  it("uses the national clouds' own portals", () => {
    expect(portalLinks("AzureUSGovernment", TENANT)!.resource(VAULT)).toMatch(/^https:\/\/portal\.azure\.us\//);
    expect(portalLinks("AzureChina", TENANT)!.resource(VAULT)).toMatch(/^https:\/\/portal\.azure\.cn\//);
  });

  it("links Key Vault objects by identifier and Entra apps by app id", () => {
    const p = portalLinks("AzurePublic", TENANT)!;
    expect(p.keyVaultObject("certificate", "https://kv-prod.vault.azure.net/certificates/web")).toBe(
      `https://portal.azure.com/#@${TENANT}/asset/Microsoft_Azure_KeyVault/Certificate/https://kv-prod.vault.azure.net/certificates/web`,
    );
    expect(p.keyVaultObject("secret", "not a url")).toBeUndefined();
    expect(p.application("00000000-0000-0000-0000-0000000000aa")).toBe(
      "https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Overview/appId/00000000-0000-0000-0000-0000000000aa",
    );
    expect(p.servicePrincipal("sp-1", "app-1")).toContain("/ManagedAppMenuBlade/~/Overview/objectId/sp-1/appId/app-1");
  });

  it("offers no links for a custom cloud, whose portal is unknown", () => {
    expect(portalLinks("Custom", TENANT)).toBeNull();
  });
});

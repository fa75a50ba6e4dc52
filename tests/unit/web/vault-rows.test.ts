import { createElement as h } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { VaultRows, type VaultRowData } from "@/app/(console)/vaults/_components/vault-rows";

const NOW = Date.parse("2026-12-01T12:00:00Z");

const row = (over: Partial<VaultRowData>): VaultRowData => ({
  id: "/subscriptions/s1/resourcegroups/rg/providers/microsoft.keyvault/vaults/kv-a",
  name: "kv-a",
  resourceGroup: "rg",
  location: "westeurope",
  subscriptionId: "s1",
  subscriptionName: "Production",
  accessStatus: "ok",
  lastScannedAt: "2026-12-01T10:00:00Z",
  unreadable: false,
  liveObjects: 1234,
  lastKnown: null,
  atRisk: 0,
  enableRbacAuthorization: true,
  accessPolicyCount: null,
  enableSoftDelete: true,
  softDeleteRetentionDays: 90,
  enablePurgeProtection: true,
  publicNetworkAccess: "Disabled",
  privateEndpointCount: 1,
  networkDefaultAction: "Deny",
  ipRuleCount: 0,
  vnetRuleCount: 0,
  diagnosticsEnabled: true,
  ...over,
});

const render = (rows: VaultRowData[]) => renderToStaticMarkup(h(VaultRows, { rows, now: NOW }));

describe("VaultRows (the vault list's rows from plain data)", () => {
  it("links the row to the vault once, and the object count to the inventory", () => {
    const html = render([row({ atRisk: 3 })]);
    // the links are built from the id: the vault page (base64url of the id) and the inventory filtered to the vault
    const slug = Buffer.from(row({}).id).toString("base64url");
    expect(html.match(new RegExp(`href="/vaults/${slug}"`, "g"))).toHaveLength(1);
    expect(html).toContain(
      'href="/inventory?vault=%2Fsubscriptions%2Fs1%2Fresourcegroups%2Frg%2Fproviders%2Fmicrosoft.keyvault%2Fvaults%2Fkv-a">1,234</a>',
    );
    expect(html).toContain("3 at risk");
    expect(html).toContain("scanned 2 h ago");
    expect(html).toContain("Private only · 1 PE");
    expect(html).toContain("On · 90 d");
  });

  it("says 'not readable' with the last known count for a vault the scan could not list", () => {
    const html = render([
      row({
        unreadable: true,
        accessStatus: "firewall",
        lastKnown: 12,
        enableRbacAuthorization: false,
        accessPolicyCount: 2,
        enablePurgeProtection: null,
        diagnosticsEnabled: null,
      }),
    ]);
    expect(html).toContain("not readable");
    expect(html).toContain("last known 12");
    expect(html).not.toContain(">1,234<");
    expect(html).toContain("Blocked by firewall");
    expect(html).toContain("Access policies (2)");
    expect(html).toMatch(/Purge<\/span><span[^>]*>Off</);
    expect(html).toMatch(/Diag\.<\/span><span[^>]*>Unknown</);
  });

  it("stays light: short classes, under 1.8 KB of HTML per row", () => {
    const html = render(Array.from({ length: 20 }, (_, i) => row({ id: `v${i}` })));
    expect(html.length / 20).toBeLessThan(1800);
    expect(html).not.toMatch(/dark:|ring-emerald|whitespace-nowrap/);
  });
});

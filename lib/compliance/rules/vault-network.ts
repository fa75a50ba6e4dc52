/** Vault rules on network exposure. String comparisons are case-insensitive, as in Azure Policy. */
import { z } from "zod";
import { ipRangeContains } from "../ip-range";
import { defineRule, fail, pass, sameText, unknown, type Outcome } from "../rule";

const networking = "Key vaults → the vault → Networking";

/** Does any of `ranges` contain `rule`? Undefined when a value is not an IPv4 address or range. */
function inAny(ranges: readonly string[], rule: string): boolean | undefined {
  let found = false;
  for (const r of ranges) {
    const c = ipRangeContains(r, rule);
    if (c === undefined) return undefined;
    found ||= c;
  }
  return found;
}

/**
 * The IP part of FirewallEnabled_Audit: non-compliant when allowed ranges are given and some rule is in none of them,
 * or forbidden ranges are given and some rule is in one of them.
 */
function ipRulesOutcome(rules: readonly string[], allowed: readonly string[], forbidden: readonly string[]): Outcome {
  for (const rule of rules) {
    const ok = allowed.length ? inAny(allowed, rule) : true;
    const bad = forbidden.length ? inAny(forbidden, rule) : false;
    if (ok === undefined || bad === undefined) return unknown(`IP rule ${rule} or a configured range is not IPv4`);
    if (!ok) return fail(`firewall allows ${rule}, outside the allowed ranges`);
    if (bad) return fail(`firewall allows ${rule}, inside a forbidden range`);
  }
  return pass("firewall default action Deny; IP rules within the allowed ranges");
}

export const vaultNetworkRules = [
  defineRule({
    id: "vault-firewall",
    title: "Vaults have the firewall enabled or public network access disabled",
    why: "A vault reachable from any network relies on credentials alone.",
    severity: "high",
    scope: "vault",
    enabledByDefault: true,
    params: z.object({
      restrictIPAddresses: z.enum(["Yes", "No"]).default("No"),
      allowedIPAddresses: z.array(z.string()).default([]),
      forbiddenIPAddresses: z.array(z.string()).default([]),
    }),
    // FirewallEnabled_Audit (current API versions): publicNetworkAccess notEquals Disabled AND (networkAcls
    // .defaultAction notEquals Deny OR [restrictIPAddresses = Yes and the IP rules break the allowed/forbidden
    // lists]). An absent value is "not equal", so a vault with neither property set is non-compliant.
    interpretation:
      "Compliant when public network access is Disabled, or the firewall's default action is Deny and, with " +
      "restrictIPAddresses = Yes, every IP rule lies inside an allowed range (when allowed ranges are given) and none " +
      "inside a forbidden one (ipRangeContains, IPv4; an empty list checks nothing).",
    evaluate: (f, p) => {
      if (sameText(f.publicNetworkAccess, "Disabled")) return pass("public network access disabled");
      if (!sameText(f.networkDefaultAction, "Deny"))
        return fail("public network access with no firewall (default Allow)");
      const lists = p.allowedIPAddresses.length + p.forbiddenIPAddresses.length;
      if (p.restrictIPAddresses !== "Yes" || lists === 0) return pass("firewall default action Deny");
      if (f.ipRules === undefined) return unknown("firewall IP rules not recorded");
      return ipRulesOutcome(f.ipRules, p.allowedIPAddresses, p.forbiddenIPAddresses);
    },
    remediation: {
      portal: [networking, "Allow access from: Allow public access from specific networks (or Disable) → Apply"],
      cli: "az keyvault update --name <vault> --default-action Deny",
    },
    references: { azurePolicy: "55615ac9-af46-4a59-874e-391cc3dfb490", mcsb: ["NS-2"] },
  }),
  defineRule({
    id: "vault-public-network-disabled",
    title: "Vaults disable public network access",
    why: "With public access disabled the vault is reachable through private endpoints only.",
    severity: "medium",
    scope: "vault",
    enabledByDefault: true,
    params: z.object({}),
    // PublicNetworkAccess_Audit (current API versions): publicNetworkAccess notEquals Disabled.
    interpretation: "Non-compliant unless public network access is Disabled (absent counts as enabled).",
    evaluate: (f) =>
      sameText(f.publicNetworkAccess, "Disabled")
        ? pass("public network access disabled")
        : fail(`public network access ${f.publicNetworkAccess ?? "not set (enabled)"}`),
    remediation: {
      portal: [networking, "Allow access from: Disable public access → Apply (create a private endpoint first)"],
      cli: "az keyvault update --name <vault> --public-network-access Disabled",
    },
    references: { azurePolicy: "405c5871-3e91-4644-8a63-58e19d68ff5b", cis: ["8.3.7"], mcsb: ["NS-2"] },
  }),
  defineRule({
    id: "vault-private-link",
    title: "Vaults use private link",
    why: "A private endpoint keeps vault traffic on the Azure backbone, away from the internet.",
    severity: "medium",
    scope: "vault",
    enabledByDefault: true,
    params: z.object({}),
    // Should_Use_PrivateEndpoint_Audit: count(privateEndpointConnections where status equals Approved) less 1.
    // The scan records only the count so far: zero connections fail; some connections of unknown state are unknown.
    interpretation:
      "Non-compliant when no private endpoint connection is Approved (pending or rejected ones do not count).",
    evaluate: (f) => {
      if (f.privateEndpointStates) {
        const approved = f.privateEndpointStates.filter((s) => sameText(s, "Approved")).length;
        return approved >= 1 ? pass(`${approved} approved private endpoint(s)`) : fail("no approved private endpoint");
      }
      if (f.privateEndpointCount === 0) return fail("no private endpoint");
      return unknown("private endpoint connection states not recorded");
    },
    remediation: {
      portal: [`${networking} → Private endpoint connections`, "+ Create (or Approve a pending connection)"],
      cli: "az network private-endpoint create --name <pe> --resource-group <rg> --vnet-name <vnet> --subnet <subnet> --private-connection-resource-id <vault id> --group-id vault --connection-name <name>",
    },
    references: { azurePolicy: "a6abeaec-4d90-4a02-805f-6b26c4d3fbe9", cis: ["8.3.8"], mcsb: ["NS-2"] },
  }),
];

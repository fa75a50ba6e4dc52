/**
 * The vault facts discovery records for compliance (Defender plan, diagnostic settings, endpoint states, IP rules,
 * every access-policy permission list), with the row built by discovery's own pure builders from an ARM payload: the
 * rules that answered "unknown" while these were not stored now answer pass or fail, and rows stored before keep
 * answering "unknown" rather than guess.
 */
import { describe, expect, test } from "vitest";
import { normaliseVault } from "@/lib/cloud";
import { evaluate, prepareRules } from "@/lib/compliance/catalogue";
import { vaultFacts } from "@/lib/compliance/from-inventory";
import { ipRangeContains } from "@/lib/compliance/ip-range";
import type { vaults } from "@/lib/db/schema";
import { vaultRow } from "@/lib/discovery/persist";
import { now } from "./fixtures";

type VaultRow = typeof vaults.$inferSelect;
const ID = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-prod";

/** An access-policy vault as ARM returns it, with a firewall, two endpoints and one narrow policy. */
const armVault = (o: Record<string, unknown> = {}) => ({
  id: ID,
  name: "kv-prod",
  properties: {
    enableRbacAuthorization: false,
    enableSoftDelete: true,
    publicNetworkAccess: "Enabled",
    networkAcls: {
      bypass: "None",
      defaultAction: "Deny",
      ipRules: [{ value: "203.0.113.0/24" }],
      virtualNetworkRules: [],
    },
    privateEndpointConnections: [
      {
        id: `${ID}/privateEndpointConnections/a`,
        properties: { privateLinkServiceConnectionState: { status: "Pending" } },
      },
      {
        id: `${ID}/privateEndpointConnections/b`,
        properties: { privateLinkServiceConnectionState: { status: "Rejected" } },
      },
    ],
    accessPolicies: [
      {
        tenantId: "t",
        objectId: "o1",
        permissions: { secrets: ["Get", "List"], keys: ["Get"], certificates: ["List", "Get"] },
      },
    ],
    ...o,
  },
});

const auditToWorkspace = [
  { name: "law", workspaceId: "/subscriptions/s1/…/workspaces/law", logs: [{ categoryGroup: "audit", enabled: true }] },
];

function scanned(raw = armVault(), extra: Partial<VaultRow> = {}): VaultRow {
  const base = vaultRow(normaliseVault(raw as Parameters<typeof normaliseVault>[0]));
  return {
    ...base,
    diagnosticsEnabled: true,
    diagnosticSettings: auditToWorkspace,
    defenderForKeyVault: "Standard",
    ...extra,
  } as VaultRow;
}

const rules = prepareRules();
const statuses = (row: VaultRow, prepared = rules) =>
  Object.fromEntries(evaluate(vaultFacts(row), now, prepared).map((f) => [f.ruleId, f.status]));

describe("vault facts from a scanned row", () => {
  test("the ARM payload's lists are kept: IP rule values, endpoint states, every permission list (lower case)", () => {
    const row = scanned();
    expect(row.ipRules).toEqual(["203.0.113.0/24"]);
    expect(row.networkBypass).toBe("None");
    expect(row.accessPolicies).toEqual([
      { objectId: "o1", applicationId: null, secrets: ["get", "list"], keys: ["get"], certificates: ["get", "list"] },
    ]);
    const f = vaultFacts(row);
    expect(f).toMatchObject({
      ipRules: ["203.0.113.0/24"],
      privateEndpointStates: ["Pending", "Rejected"],
      defenderForKeyVaultTier: "Standard",
      accessPolicies: [{ objectId: "o1", secrets: ["get", "list"], keys: ["get"], certificates: ["get", "list"] }],
    });
  });

  test("an IP rule without a string value leaves the list unknown, not the vault", () => {
    const raw = armVault({ networkAcls: { defaultAction: "Deny", ipRules: [{ value: "1.2.3.4" }, { addr: 1 }] } });
    const row = scanned(raw);
    expect(row.ipRules).toBeNull();
    expect(row.ipRuleCount).toBe(2);
    expect(vaultFacts(row).ipRules).toBeUndefined();
  });

  test("Defender: Standard passes, Free fails, not read (null) is unknown", () => {
    expect(statuses(scanned())["vault-defender"]).toBe("pass");
    expect(statuses(scanned(undefined, { defenderForKeyVault: "Free" }))["vault-defender"]).toBe("fail");
    expect(statuses(scanned(undefined, { defenderForKeyVault: null }))["vault-defender"]).toBe("unknown");
  });

  test("broad grants: key and certificate lists decide now (they were counts before)", () => {
    const narrow = scanned();
    expect(statuses(narrow)["vault-access-policy-broad"]).toBe("pass");
    const purgeOnKeys = scanned(
      armVault({
        accessPolicies: [{ tenantId: "t", objectId: "o1", permissions: { secrets: ["get"], keys: ["Purge"] } }],
      }),
    );
    expect(statuses(purgeOnKeys)["vault-access-policy-broad"]).toBe("fail");
    const allOnCertificates = scanned(
      armVault({
        accessPolicies: [{ tenantId: "t", objectId: "o1", permissions: { secrets: [], certificates: ["All"] } }],
      }),
    );
    expect(statuses(allOnCertificates)["vault-access-policy-broad"]).toBe("fail");
    // a row stored before the lists were kept (counts only): no broad secret grant is not enough to pass
    const legacy = {
      ...narrow,
      accessPolicies: [
        { objectId: "o1", applicationId: null, secrets: ["get"], keyPermissions: 1, certificatePermissions: 2 },
      ],
    } as VaultRow;
    expect(statuses(legacy)["vault-access-policy-broad"]).toBe("unknown");
  });

  test("private link: pending and rejected endpoints do not count", () => {
    expect(statuses(scanned())["vault-private-link"]).toBe("fail");
    const approved = armVault({
      privateEndpointConnections: [
        {
          id: `${ID}/privateEndpointConnections/a`,
          properties: { privateLinkServiceConnectionState: { status: "Approved" } },
        },
      ],
    });
    expect(statuses(scanned(approved))["vault-private-link"]).toBe("pass");
  });

  test("resource logs: from the settings themselves (categories, enabled, storage retention)", () => {
    expect(statuses(scanned())["vault-resource-logs"]).toBe("pass");
    const metricsOnly = [{ name: "m", workspaceId: "/w", logs: [{ categoryGroup: "allLogs", enabled: false }] }];
    // the summary column alone would not tell: the settings decide
    expect(
      statuses(scanned(undefined, { diagnosticSettings: metricsOnly, diagnosticsEnabled: false }))[
        "vault-resource-logs"
      ],
    ).toBe("fail");
    const shortRetention = [
      {
        name: "st",
        storageAccountId: "/s",
        logs: [{ category: "AuditEvent", enabled: true, retentionPolicy: { enabled: true as const, days: 30 } }],
      },
    ];
    const row = scanned(undefined, { diagnosticSettings: shortRetention });
    expect(statuses(row)["vault-resource-logs"]).toBe("fail");
    expect(
      statuses(row, prepareRules({ "vault-resource-logs": { params: { requiredRetentionDays: 30 } } }))[
        "vault-resource-logs"
      ],
    ).toBe("pass");
    expect(
      statuses(scanned(undefined, { diagnosticSettings: [], diagnosticsEnabled: false }))["vault-resource-logs"],
    ).toBe("fail");
    // the read failed: both columns null → unknown
    expect(
      statuses(scanned(undefined, { diagnosticSettings: null, diagnosticsEnabled: null }))["vault-resource-logs"],
    ).toBe("unknown");
  });

  test("jsonb of an unexpected shape counts as not recorded", () => {
    const odd = scanned(undefined, {
      diagnosticSettings: "x" as never,
      ipRules: [1] as never,
    });
    expect(vaultFacts(odd)).toMatchObject({ diagnosticSettings: undefined, ipRules: undefined });
  });
});

describe("firewall IP rules (FirewallEnabled_Audit with restrictIPAddresses = Yes)", () => {
  const firewall = (ipRules: unknown[], params: Record<string, unknown>) =>
    statuses(
      scanned(armVault({ networkAcls: { defaultAction: "Deny", ipRules: ipRules.map((value) => ({ value })) } })),
      prepareRules({ "vault-firewall": { params: { restrictIPAddresses: "Yes", ...params } } }),
    )["vault-firewall"];

  test("ipRangeContains: a range contains itself, its sub-ranges and addresses; boundaries are inclusive", () => {
    expect(ipRangeContains("10.0.0.0/8", "10.0.0.0/8")).toBe(true);
    expect(ipRangeContains("10.0.0.0/8", "10.255.255.255")).toBe(true);
    expect(ipRangeContains("10.0.0.0/8", "11.0.0.0")).toBe(false);
    expect(ipRangeContains("10.0.0.0/8", "10.0.0.0/7")).toBe(false);
    expect(ipRangeContains("203.0.113.7", "203.0.113.7/32")).toBe(true);
    expect(ipRangeContains("203.0.113.0/24", "203.0.113.128/25")).toBe(true);
    expect(ipRangeContains("0.0.0.0/0", "198.51.100.1")).toBe(true);
    // a host address with a prefix is the network it belongs to (as Azure normalises it)
    expect(ipRangeContains("10.1.2.3/16", "10.1.200.1")).toBe(true);
    expect(ipRangeContains("2001:db8::/32", "2001:db8::1")).toBeUndefined();
    expect(ipRangeContains("10.0.0.300", "10.0.0.1")).toBeUndefined();
  });

  test("allowed ranges: every rule inside one passes; one outside fails", () => {
    expect(firewall(["10.1.0.0/16", "192.168.1.4"], { allowedIPAddresses: ["10.0.0.0/8", "192.168.1.0/24"] })).toBe(
      "pass",
    );
    expect(firewall(["10.1.0.0/16", "203.0.113.9"], { allowedIPAddresses: ["10.0.0.0/8"] })).toBe("fail");
    expect(firewall([], { allowedIPAddresses: ["10.0.0.0/8"] })).toBe("pass");
  });

  test("forbidden ranges: a rule inside one fails", () => {
    // as written, the definition asks whether the rule lies inside a forbidden range, not whether they overlap: a
    // rule wider than the forbidden range (0.0.0.0/0) passes
    expect(firewall(["0.0.0.0/0"], { forbiddenIPAddresses: ["203.0.113.0/24"] })).toBe("pass");
    expect(firewall(["203.0.113.9"], { forbiddenIPAddresses: ["203.0.113.0/24"] })).toBe("fail");
    expect(firewall(["198.51.100.0/24"], { forbiddenIPAddresses: ["203.0.113.0/24"] })).toBe("pass");
  });

  test("not IPv4, or rules not recorded: unknown; no lists: the IP rules play no part", () => {
    expect(firewall(["2001:db8::/48"], { allowedIPAddresses: ["10.0.0.0/8"] })).toBe("unknown");
    const legacy = { ...scanned(), ipRules: null } as VaultRow;
    const restrict = prepareRules({
      "vault-firewall": { params: { restrictIPAddresses: "Yes", allowedIPAddresses: ["10.0.0.0/8"] } },
    });
    expect(statuses(legacy, restrict)["vault-firewall"]).toBe("unknown");
    expect(firewall(["203.0.113.9"], {})).toBe("pass");
  });
});

/**
 * Facts from inventory rows, with the rows built by the scan's own pure row builders (lib/discovery/asset-rows.ts),
 * so a change in what discovery records shows up here.
 */
import { describe, expect, test } from "vitest";
import type { KvItem } from "@/lib/cloud";
import { evaluate } from "@/lib/compliance/catalogue";
import { appCredentialFacts, appFacts, assetFacts, vaultFacts } from "@/lib/compliance/from-inventory";
import type { appCredentials, appRegistrations, vaults } from "@/lib/db/schema";
import {
  applyCertificateDetail,
  applyKeyDetail,
  listedRow,
  type AssetRow,
  type StoredAsset,
} from "@/lib/discovery/asset-rows";
import { inDays, now } from "./fixtures";

const vault = {
  id: "/subscriptions/s1/resourcegroups/rg/providers/microsoft.keyvault/vaults/kv-prod",
  subscriptionId: "s1",
};
const item = (type: KvItem["type"], o: Partial<KvItem> = {}): KvItem => ({
  type,
  name: `${type}-1`,
  objectId: `https://kv-prod.vault.azure.net/${type}s/${type}-1`,
  enabled: true,
  managed: false,
  tags: {},
  createdOn: inDays(-10),
  expiresOn: inDays(100),
  ...o,
});
type VaultRow = typeof vaults.$inferSelect;
type AppRow = typeof appRegistrations.$inferSelect;
type CredentialRow = typeof appCredentials.$inferSelect;

const stored = (row: AssetRow): StoredAsset =>
  ({ ...row, id: "asset-1", firstSeenAt: now, lastSeenAt: now, removedAt: null }) as StoredAsset;
const statuses = (facts: Parameters<typeof evaluate>[0]) =>
  Object.fromEntries(evaluate(facts, now).map((f) => [f.ruleId, f.status]));

describe("assetFacts", () => {
  test("a secret: list attributes only", () => {
    const row = listedRow(
      vault,
      item("secret", { expiresOn: undefined, contentType: "password" }),
      undefined,
      "fp",
      "healthy",
    );
    const f = assetFacts(stored(row), "kv-prod");
    expect(f).toMatchObject({ scope: "secret", vaultName: "kv-prod", expiresOn: null, contentType: "password" });
    expect(statuses(f)["secret-expiration-set"]).toBe("fail");
  });

  test("a key before its detail is read: key parameters and rotation unknown", () => {
    const f = assetFacts(stored(listedRow(vault, item("key"), undefined, "fp", "healthy")), "kv-prod");
    expect(f).toMatchObject({ scope: "key", keyType: undefined, rotationPolicy: undefined });
    const s = statuses(f);
    expect([s["key-rsa-min-size"], s["key-rotation-scheduled"], s["key-allowed-types"]]).toEqual([
      "unknown",
      "unknown",
      "unknown",
    ]);
  });

  test("a key with its detail and rotation policy, as the scan records them", () => {
    const row = listedRow(vault, item("key"), undefined, "fp", "healthy");
    applyKeyDetail(
      row,
      { kty: "RSA", keySize: 1024, hsm: false },
      { configured: true, autoRotate: true, lifetimeActions: [{ action: "Rotate", timeAfterCreate: "P90D" }] },
    );
    const f = assetFacts(stored(row), "kv-prod");
    expect(f).toMatchObject({ keyType: "RSA", keySize: 1024, curve: null });
    const s = statuses(f);
    expect([s["key-rsa-min-size"], s["key-rotation-scheduled"]]).toEqual(["fail", "pass"]);
    applyKeyDetail(row, undefined, { configured: false, autoRotate: false, lifetimeActions: [] });
    expect(statuses(assetFacts(stored(row), "kv-prod"))["key-rotation-scheduled"]).toBe("fail");
  });

  test("a certificate with its policy; odd jsonb types count as not recorded", () => {
    const row = listedRow(vault, item("certificate"), undefined, "fp", "healthy");
    applyCertificateDetail(row, {
      issuer: "CN=Contoso CA, O=Contoso",
      policy: {
        issuerName: "Self",
        keyType: "RSA",
        keySize: 2048,
        validityInMonths: 24,
        lifetimeActions: [{ action: "EmailContacts", daysBeforeExpiry: 30 }],
      },
    });
    const f = assetFacts(stored(row), "kv-prod");
    const s = statuses(f);
    expect([s["certificate-max-validity"], s["certificate-auto-renew"], s["certificate-rsa-min-size"]]).toEqual([
      "fail",
      "fail",
      "pass",
    ]);
    row.detail = { issuer: 42, policy: { keyType: 7, validityInMonths: "24" } };
    expect(assetFacts(stored(row), "kv-prod")).toMatchObject({
      issuer: undefined,
      policy: { keyType: null, validityInMonths: null },
    });
  });
});

describe("vaultFacts, appFacts, appCredentialFacts", () => {
  test("a vault row: posture columns as facts; what is not stored stays unknown", () => {
    const row = {
      id: vault.id,
      name: "kv-prod",
      subscriptionId: "s1",
      enableSoftDelete: true,
      enablePurgeProtection: null,
      enableRbacAuthorization: false,
      publicNetworkAccess: "Enabled",
      networkDefaultAction: "Allow",
      privateEndpointCount: 0,
      privateEndpoints: [],
      accessPolicies: [
        { objectId: "o1", applicationId: null, secrets: ["get", "list"], keyPermissions: 2, certificatePermissions: 0 },
      ],
      diagnosticsEnabled: null,
    } as unknown as VaultRow;
    const s = statuses(vaultFacts(row));
    expect(s).toMatchObject({
      "vault-soft-delete": "pass",
      "vault-purge-protection": "fail",
      "vault-rbac": "fail",
      "vault-firewall": "fail",
      "vault-private-link": "fail",
      "vault-resource-logs": "unknown",
      "vault-defender": "unknown",
      "vault-access-policy-broad": "unknown",
    });
    const withEndpoints = (privateEndpoints: VaultRow["privateEndpoints"], privateEndpointCount: number) =>
      statuses(vaultFacts({ ...row, privateEndpoints, privateEndpointCount }))["vault-private-link"];
    expect(
      withEndpoints(
        [
          { name: "pe1", status: "Pending" },
          { name: "pe2", status: "Approved" },
        ],
        2,
      ),
    ).toBe("pass");
    expect(
      withEndpoints(
        [
          { name: "pe1", status: "Rejected" },
          { name: "pe2", status: null },
        ],
        2,
      ),
    ).toBe("fail");
    expect(withEndpoints([], 1)).toBe("unknown"); // scanned before the states were recorded
    const policies = (secrets: string[]) =>
      statuses(vaultFacts({ ...row, accessPolicies: [{ ...row.accessPolicies![0], secrets }] }))[
        "vault-access-policy-broad"
      ];
    expect(policies(["all"])).toBe("fail");
    expect(statuses(vaultFacts({ ...row, accessPolicies: null }))["vault-access-policy-broad"]).toBe("unknown");
  });

  test("an app with its credentials, and one credential", () => {
    const appRow = {
      id: "app-1",
      kind: "application",
      appId: "a",
      displayName: "billing-api",
      owners: [],
    } as unknown as AppRow;
    const cred = {
      id: "c1",
      appObjectId: "app-1",
      keyId: "k",
      type: "password",
      startDateTime: inDays(-900),
      endDateTime: inDays(-40),
    } as CredentialRow;
    expect(statuses(appFacts(appRow, [cred]))).toEqual({ "app-no-owner": "fail", "app-stale-credentials": "fail" });
    expect(statuses(appCredentialFacts(cred, "billing-api"))).toEqual({
      "app-credential-expired": "fail",
      "app-credential-expiring": "notApplicable",
      "app-credential-lifetime": "fail",
    });
  });
});

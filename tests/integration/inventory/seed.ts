/** A small, realistic estate seeded straight into the inventory tables (no scanner involved). */
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { appCredentials, appRegistrations, assets, scanErrors, scanRuns, subscriptions, vaults } from "@/lib/db/schema";
import type { Ctx } from "@/lib/context";

export const NOW = new Date("2026-06-01T12:00:00.000Z");
export const DAY = 86_400_000;
export const SUB_PROD = "aaaaaaaa-0000-0000-0000-000000000001";
export const SUB_DEV = "bbbbbbbb-0000-0000-0000-000000000002";
export const V_PAY = `/subscriptions/${SUB_PROD}/resourcegroups/rg-pay/providers/microsoft.keyvault/vaults/kv-payments`;
export const V_WEB = `/subscriptions/${SUB_PROD}/resourcegroups/rg-web/providers/microsoft.keyvault/vaults/kv-web`;
export const V_DEV = `/subscriptions/${SUB_DEV}/resourcegroups/rg-dev/providers/microsoft.keyvault/vaults/kv-dev-locked`;

export const viewerCtx: Ctx = {
  actor: {
    type: "user",
    userId: randomUUID(),
    oid: randomUUID(),
    upn: "viewer@contoso.example",
    name: "Viewer",
    roles: ["CertifyClouds.Viewer"],
  },
  request: { requestId: randomUUID() },
};
export const noRoleCtx: Ctx = {
  actor: {
    type: "user",
    userId: randomUUID(),
    oid: randomUUID(),
    upn: "norole@contoso.example",
    name: "No role",
    roles: [],
  },
  request: { requestId: randomUUID() },
};
export const anonCtx: Ctx = { actor: { type: "anonymous" }, request: { requestId: randomUUID() } };

const at = (days: number) => new Date(NOW.getTime() + days * DAY);

type A = typeof assets.$inferInsert;
function asset(
  vaultId: string,
  sub: string,
  type: A["type"],
  name: string,
  status: A["status"],
  expiresInDays: number | null,
  extra: Partial<A> = {},
): A {
  const host = vaultId.split("/").pop();
  return {
    vaultId,
    subscriptionId: sub,
    type,
    name,
    objectId: `https://${host}.vault.azure.net/${type}s/${name}`,
    currentVersion: "0123456789abcdef0123456789abcdef",
    status,
    expiresOn: expiresInDays === null ? null : at(expiresInDays),
    updatedOn: at(-30),
    createdOn: at(-400),
    versionCount: 2,
    ...extra,
  };
}

export async function seedInventory(db: Db) {
  await db.insert(subscriptions).values([
    { id: SUB_PROD, displayName: "Contoso Production", state: "Enabled" },
    { id: SUB_DEV, displayName: "Contoso Dev", state: "Enabled" },
  ]);
  await db.insert(vaults).values([
    {
      id: V_PAY,
      subscriptionId: SUB_PROD,
      resourceGroup: "rg-pay",
      name: "kv-payments",
      location: "westeurope",
      vaultUri: "https://kv-payments.vault.azure.net/",
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      softDeleteRetentionDays: 90,
      enablePurgeProtection: true,
      publicNetworkAccess: "Disabled",
      networkDefaultAction: "Deny",
      privateEndpointCount: 1,
      diagnosticsEnabled: true,
      accessStatus: "ok",
      readable: true,
      lastScannedAt: at(-1),
    },
    {
      id: V_WEB,
      subscriptionId: SUB_PROD,
      resourceGroup: "rg-web",
      name: "kv-web",
      location: "westeurope",
      enableRbacAuthorization: false,
      accessPolicyCount: 4,
      enableSoftDelete: true,
      softDeleteRetentionDays: 7,
      enablePurgeProtection: false,
      publicNetworkAccess: "Enabled",
      networkDefaultAction: "Allow",
      diagnosticsEnabled: false,
      accessStatus: "ok",
      readable: true,
      lastScannedAt: at(-1),
    },
    {
      id: V_DEV,
      subscriptionId: SUB_DEV,
      resourceGroup: "rg-dev",
      name: "kv-dev-locked",
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      enablePurgeProtection: false,
      publicNetworkAccess: "Enabled",
      networkDefaultAction: "Deny",
      ipRuleCount: 2,
      accessStatus: "firewall",
      readable: false,
      accessError: {
        code: "ForbiddenByFirewall",
        message: "Client address is not authorized",
        remediation: "Add the scanner's egress IP to the vault firewall or use a private endpoint.",
      },
      lastScannedAt: at(-1),
    },
  ]);
  const rows: A[] = [
    asset(V_PAY, SUB_PROD, "secret", "db-password", "expired", -3),
    asset(V_PAY, SUB_PROD, "secret", "api-key", "critical", 2, { tags: { env: "prod", owner: "payments" } }),
    asset(V_PAY, SUB_PROD, "secret", '=HYPERLINK("http://evil")', "warning", 20, {
      contentType: 'text/plain, "quoted"',
    }),
    asset(V_PAY, SUB_PROD, "certificate", "tls-payments", "warning", 25, {
      detail: { subject: "CN=pay.contoso.com", issuer: "CN=Contoso CA", x5t: "ABCDEF0123", sans: ["pay.contoso.com"] },
      tags: { env: "prod" },
    }),
    asset(V_PAY, SUB_PROD, "key", "cmk", "healthy", 200, {
      detail: { kty: "RSA", keySize: 3072, keyOps: ["wrapKey", "unwrapKey"] },
    }),
    asset(V_WEB, SUB_PROD, "secret", "no-expiry-secret", "healthy", null, { tags: { env: "test" } }),
    asset(V_WEB, SUB_PROD, "secret", "disabled-one", "healthy", 100, { enabled: false }),
    asset(V_WEB, SUB_PROD, "certificate", "web-tls", "healthy", 60, { updatedOn: at(-1) }),
    asset(V_WEB, SUB_PROD, "key", "signing", "healthy", null),
    asset(V_WEB, SUB_PROD, "secret", "gone-secret", "expired", -100, { removedAt: at(-5) }),
    asset(V_DEV, SUB_DEV, "secret", "+cmd|calc", "critical", 5),
    asset(V_DEV, SUB_DEV, "secret", "-minus", "healthy", 80),
    asset(V_DEV, SUB_DEV, "secret", "@at", "healthy", null),
  ];
  await db.insert(assets).values(rows);
  await db.insert(appRegistrations).values([
    {
      id: "app-obj-1",
      kind: "application",
      appId: "11111111-aaaa-0000-0000-000000000001",
      displayName: "Payments API",
      owners: [{ id: "u1", displayName: "Alice", userPrincipalName: "alice@contoso.example" }],
    },
    {
      id: "sp-obj-1",
      kind: "servicePrincipal",
      appId: "11111111-aaaa-0000-0000-000000000001",
      displayName: "Payments API",
    },
    {
      id: "app-obj-2",
      kind: "application",
      appId: "22222222-aaaa-0000-0000-000000000002",
      displayName: "Legacy Portal",
    },
    { id: "app-obj-3", kind: "application", appId: "33333333-aaaa-0000-0000-000000000003", displayName: "No Creds" },
  ]);
  await db.insert(appCredentials).values([
    {
      appObjectId: "app-obj-1",
      keyId: "k1",
      type: "password",
      displayName: "prod",
      hint: "abc",
      startDateTime: at(-300),
      endDateTime: at(10),
      status: "warning",
    },
    {
      appObjectId: "app-obj-1",
      keyId: "k2",
      type: "certificate",
      displayName: "cert",
      startDateTime: at(-300),
      endDateTime: at(300),
      status: "healthy",
    },
    {
      appObjectId: "app-obj-2",
      keyId: "k3",
      type: "password",
      displayName: "old",
      hint: "xyz",
      startDateTime: at(-800),
      endDateTime: at(-1),
      status: "expired",
    },
  ]);
  const scanId = randomUUID();
  await db.insert(scanRuns).values({
    id: scanId,
    mode: "full",
    trigger: "manual",
    requestedBy: "operator@contoso.example",
    status: "completed_with_errors",
    createdAt: at(-1),
    startedAt: at(-1),
    finishedAt: new Date(at(-1).getTime() + 60_000),
    vaultsTotal: 3,
    vaultsDone: 3,
    vaultsFailed: 1,
    objectsSeen: 12,
    errorCount: 1,
  });
  await db.insert(scanErrors).values({
    scanId,
    scope: V_DEV,
    kind: "firewall",
    code: "ForbiddenByFirewall",
    message: "Client address is not authorized",
    remediation: "Add the scanner's egress IP to the vault firewall.",
  });
  return { scanId };
}

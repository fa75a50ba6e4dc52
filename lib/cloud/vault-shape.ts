/**
 * A vault as ARM and Resource Graph return it, checked with zod, and the posture the inventory keeps. A posture field
 * the payload does not carry stays null (unknown): nothing is assumed from a default that may not apply to the vault.
 */
import { z } from "zod";

const VAULT_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+$/i;
const flag = z.boolean().nullish();
const permissions = z.array(z.string()).nullish();
const linkState = z.object({ status: z.string().nullish() }).nullish();

export const rawVaultSchema = z.object({
  id: z.string().regex(VAULT_ID, "not a Key Vault resource id"),
  name: z.string().min(1),
  location: z.string().nullish(),
  tags: z.record(z.string(), z.string()).nullish(),
  subscriptionId: z.string().nullish(),
  resourceGroup: z.string().nullish(),
  properties: z
    .object({
      vaultUri: z.string().nullish(),
      tenantId: z.string().nullish(),
      sku: z.object({ name: z.string().nullish() }).nullish(),
      enableRbacAuthorization: flag,
      enableSoftDelete: flag,
      softDeleteRetentionInDays: z.number().int().nullish(),
      enablePurgeProtection: flag,
      enabledForDeployment: flag,
      enabledForDiskEncryption: flag,
      enabledForTemplateDeployment: flag,
      publicNetworkAccess: z.string().nullish(),
      networkAcls: z
        .object({
          bypass: z.string().nullish(),
          defaultAction: z.string().nullish(),
          ipRules: z.array(z.unknown()).nullish(),
          virtualNetworkRules: z.array(z.unknown()).nullish(),
        })
        .nullish(),
      privateEndpointConnections: z
        .array(
          z.object({
            id: z.string().nullish(),
            // ARM JSON nests the state under properties; the ARM SDK flattens it onto the item
            properties: z.object({ privateLinkServiceConnectionState: linkState }).nullish(),
            privateLinkServiceConnectionState: linkState,
          }),
        )
        .nullish(),
      accessPolicies: z
        .array(
          z.object({
            tenantId: z.string().nullish(),
            objectId: z.string().nullish(),
            applicationId: z.string().nullish(),
            permissions: z.object({ secrets: permissions, keys: permissions, certificates: permissions }).nullish(),
          }),
        )
        .nullish(),
    })
    .nullish(),
});
export type RawVault = z.output<typeof rawVaultSchema>;

/** One access policy: who it names and what it grants (metadata only). Permissions lower case, sorted, unique. */
export interface AccessPolicySummary {
  objectId: string | null;
  applicationId: string | null;
  /** "all", "get", "list", "purge", … */
  secrets: string[];
  keys: string[];
  certificates: string[];
}

export interface PrivateEndpointState {
  /** the connection's name (last segment of its id) */
  name: string | null;
  /** Approved | Pending | Rejected | Disconnected — as ARM reports it */
  status: string | null;
}

type Props = NonNullable<RawVault["properties"]>;

export function accessPolicySummaries(p: Props): AccessPolicySummary[] | null {
  if (!p.accessPolicies) return null;
  const norm = (xs: string[] | null | undefined) => [...new Set((xs ?? []).map((x) => x.toLowerCase()))].sort();
  return p.accessPolicies.map((a) => ({
    objectId: a.objectId ?? null,
    applicationId: a.applicationId ?? null,
    secrets: norm(a.permissions?.secrets),
    keys: norm(a.permissions?.keys),
    certificates: norm(a.permissions?.certificates),
  }));
}

export function privateEndpointStates(p: Props): PrivateEndpointState[] {
  return (p.privateEndpointConnections ?? []).map((c) => ({
    name: c.id?.split("/").pop() ?? null,
    status:
      c.properties?.privateLinkServiceConnectionState?.status ?? c.privateLinkServiceConnectionState?.status ?? null,
  }));
}

/**
 * The firewall's IP rule values (addresses or CIDR ranges). Null when an entry has no string value: the list is then
 * not known as a whole (a vault is not skipped for it; only this fact is lost).
 */
export function ipRuleValues(p: Props): string[] | null {
  const out: string[] = [];
  for (const r of p.networkAcls?.ipRules ?? []) {
    const v = r && typeof r === "object" ? (r as { value?: unknown }).value : undefined;
    if (typeof v !== "string") return null;
    out.push(v);
  }
  return out;
}

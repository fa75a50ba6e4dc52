/** ARM and Resource Graph: subscriptions and vaults (with posture properties). Monitoring reads: monitoring.ts. */
import { armGetJson, keyVaultManagementClient, resourceGraphClient } from "./clients";
import { withRetry, type CallOptions } from "./retry";
import { emptyListing, parseEach, type Listing } from "./validate";
import {
  accessPolicySummaries,
  ipRuleValues,
  privateEndpointStates,
  rawVaultSchema,
  type AccessPolicySummary,
  type PrivateEndpointState,
  type RawVault,
} from "./vault-shape";

export interface CloudSubscription {
  id: string;
  displayName: string;
  tenantId?: string;
  state?: string;
}

export interface CloudVault {
  /** ARM id, lower case (the inventory key) */
  id: string;
  /** ARM id as Azure spells it (for calls) */
  armId: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location?: string;
  tenantId?: string;
  vaultUri?: string;
  sku?: string;
  /** null: the payload did not say (see vault-shape.ts) */
  enableRbacAuthorization: boolean | null;
  enableSoftDelete: boolean | null;
  softDeleteRetentionDays?: number;
  enablePurgeProtection: boolean;
  enabledForDeployment: boolean | null;
  enabledForDiskEncryption: boolean | null;
  enabledForTemplateDeployment: boolean | null;
  publicNetworkAccess?: string;
  networkDefaultAction?: string;
  /** network ACL bypass: AzureServices | None */
  networkBypass: string | null;
  ipRuleCount: number;
  /** networkAcls.ipRules values (addresses or CIDR ranges: network metadata, not secrets); null if unreadable */
  ipRules: string[] | null;
  vnetRuleCount: number;
  privateEndpointCount: number;
  privateEndpoints: PrivateEndpointState[];
  accessPolicyCount: number;
  /** access policies: who and which permissions (null when the payload has no accessPolicies) */
  accessPolicies: AccessPolicySummary[] | null;
  tags: Record<string, string>;
}

const SUBSCRIPTIONS_API = "2022-12-01";

export async function listSubscriptions(o: CallOptions = {}): Promise<CloudSubscription[]> {
  const out: CloudSubscription[] = [];
  let next: string | undefined = `/subscriptions?api-version=${SUBSCRIPTIONS_API}`;
  while (next) {
    const url: string = next;
    const page = await withRetry(
      (signal) =>
        armGetJson<{
          value: { subscriptionId: string; displayName: string; tenantId?: string; state?: string }[];
          nextLink?: string;
        }>(url, signal),
      o,
    );
    for (const s of page.value ?? [])
      out.push({
        id: s.subscriptionId.toLowerCase(),
        displayName: s.displayName,
        tenantId: s.tenantId,
        state: s.state,
      });
    next = page.nextLink ?? undefined;
  }
  return out;
}

function parseId(id: string): { subscriptionId: string; resourceGroup: string } {
  const m = /\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i.exec(id);
  return { subscriptionId: (m?.[1] ?? "").toLowerCase(), resourceGroup: m?.[2] ?? "" };
}

/** A checked vault row as the inventory keeps it; every posture field the payload lacks stays null. */
export function normaliseVault(v: RawVault): CloudVault {
  const p = v.properties ?? {};
  const ids = parseId(v.id);
  const acls = p.networkAcls;
  return {
    id: v.id.toLowerCase(),
    armId: v.id,
    name: v.name,
    subscriptionId: (v.subscriptionId ?? ids.subscriptionId).toLowerCase(),
    resourceGroup: v.resourceGroup ?? ids.resourceGroup,
    location: v.location ?? undefined,
    tenantId: p.tenantId ?? undefined,
    vaultUri: p.vaultUri ?? undefined,
    sku: p.sku?.name ?? undefined,
    enableRbacAuthorization: p.enableRbacAuthorization ?? null,
    enableSoftDelete: p.enableSoftDelete ?? null,
    softDeleteRetentionDays: p.softDeleteRetentionInDays ?? undefined,
    // ARM refuses `false` for this property ("irreversible"): it is present when on, absent when off
    enablePurgeProtection: p.enablePurgeProtection === true,
    enabledForDeployment: p.enabledForDeployment ?? null,
    enabledForDiskEncryption: p.enabledForDiskEncryption ?? null,
    enabledForTemplateDeployment: p.enabledForTemplateDeployment ?? null,
    publicNetworkAccess: p.publicNetworkAccess ?? undefined,
    networkDefaultAction: acls?.defaultAction ?? undefined,
    networkBypass: acls?.bypass ?? null,
    ipRuleCount: acls?.ipRules?.length ?? 0,
    ipRules: ipRuleValues(p),
    vnetRuleCount: acls?.virtualNetworkRules?.length ?? 0,
    privateEndpointCount: p.privateEndpointConnections?.length ?? 0,
    privateEndpoints: privateEndpointStates(p),
    accessPolicyCount: p.accessPolicies?.length ?? 0,
    accessPolicies: accessPolicySummaries(p),
    tags: v.tags ?? {},
  };
}

function addVaults(rows: readonly unknown[], out: Listing<CloudVault>): void {
  parseEach("vault", rawVaultSchema, rows, normaliseVault, out);
}

const VAULT_QUERY =
  "resources | where type =~ 'microsoft.keyvault/vaults' | project id, name, location, resourceGroup, subscriptionId, tenantId, properties, tags";

/** All vaults of the given subscriptions through Resource Graph, paging with `options.skipToken`. */
export async function listVaultsResourceGraph(
  subscriptionIds: string[],
  o: CallOptions & { pageSize?: number } = {},
): Promise<Listing<CloudVault>> {
  const rg = resourceGraphClient();
  const out = emptyListing<CloudVault>();
  // Resource Graph accepts up to 1,000 subscriptions per query
  for (let i = 0; i < subscriptionIds.length; i += 1000) {
    const subs = subscriptionIds.slice(i, i + 1000);
    let skipToken: string | undefined;
    let pages = 0;
    do {
      const token = skipToken;
      const r = await withRetry(
        (signal) =>
          rg.resources(
            { subscriptions: subs, query: VAULT_QUERY, options: { top: o.pageSize ?? 1000, skipToken: token } },
            { abortSignal: signal as never },
          ),
        o,
      );
      addVaults((r.data ?? []) as unknown[], out);
      skipToken = r.skipToken || undefined;
      if (++pages > 100_000) throw new Error("Resource Graph paging did not terminate");
    } while (skipToken);
  }
  return out;
}

/** Fallback: ARM vaults.listBySubscription, one page per call (retried per page). */
export async function listVaultsArm(subscriptionId: string, o: CallOptions = {}): Promise<Listing<CloudVault>> {
  const client = keyVaultManagementClient(subscriptionId);
  const out = emptyListing<CloudVault>();
  let token: string | undefined;
  let first = true;
  while (first || token) {
    first = false;
    const cont = token;
    const page = await withRetry(async (signal) => {
      const it = client.vaults
        .listBySubscription({ abortSignal: signal })
        .byPage(cont ? { continuationToken: cont } : undefined);
      const r = await it.next();
      return r.done ? undefined : r.value;
    }, o);
    if (!page) break;
    addVaults(
      page.map((v) => ({ id: v.id, name: v.name, location: v.location, tags: v.tags, properties: v.properties })),
      out,
    );
    token = (page as { continuationToken?: string }).continuationToken;
  }
  return out;
}

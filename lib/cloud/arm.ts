/** ARM and Resource Graph: subscriptions, vaults (with posture properties) and diagnostic settings. */
import { armGetJson, keyVaultManagementClient, resourceGraphClient } from "./clients";
import { withRetry, type CallOptions } from "./retry";

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
  enableRbacAuthorization: boolean;
  enableSoftDelete: boolean;
  softDeleteRetentionDays?: number;
  enablePurgeProtection: boolean;
  publicNetworkAccess?: string;
  networkDefaultAction?: string;
  ipRuleCount: number;
  vnetRuleCount: number;
  privateEndpointCount: number;
  accessPolicyCount: number;
  tags: Record<string, string>;
}

const SUBSCRIPTIONS_API = "2022-12-01";
const DIAGNOSTICS_API = "2021-05-01-preview";

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

type RawProps = {
  vaultUri?: string;
  tenantId?: string;
  sku?: { name?: string };
  enableRbacAuthorization?: boolean;
  enableSoftDelete?: boolean;
  softDeleteRetentionInDays?: number;
  enablePurgeProtection?: boolean;
  publicNetworkAccess?: string;
  networkAcls?: { defaultAction?: string; ipRules?: unknown[]; virtualNetworkRules?: unknown[] } | null;
  privateEndpointConnections?: unknown[];
  accessPolicies?: unknown[];
};

function parseId(id: string): { subscriptionId: string; resourceGroup: string } {
  const m = /\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i.exec(id);
  return { subscriptionId: (m?.[1] ?? "").toLowerCase(), resourceGroup: m?.[2] ?? "" };
}

export function normaliseVault(v: {
  id: string;
  name: string;
  location?: string;
  tags?: Record<string, string> | null;
  subscriptionId?: string;
  resourceGroup?: string;
  properties: RawProps;
}): CloudVault {
  const p = v.properties ?? {};
  const ids = parseId(v.id);
  return {
    id: v.id.toLowerCase(),
    armId: v.id,
    name: v.name,
    subscriptionId: (v.subscriptionId ?? ids.subscriptionId).toLowerCase(),
    resourceGroup: v.resourceGroup ?? ids.resourceGroup,
    location: v.location,
    tenantId: p.tenantId,
    vaultUri: p.vaultUri,
    sku: p.sku?.name,
    enableRbacAuthorization: p.enableRbacAuthorization === true,
    // ARM omits enableSoftDelete on old vaults: soft delete is on by default since 2020
    enableSoftDelete: p.enableSoftDelete !== false,
    softDeleteRetentionDays: p.softDeleteRetentionInDays,
    enablePurgeProtection: p.enablePurgeProtection === true,
    publicNetworkAccess: p.publicNetworkAccess,
    networkDefaultAction: p.networkAcls?.defaultAction ?? "Allow",
    ipRuleCount: p.networkAcls?.ipRules?.length ?? 0,
    vnetRuleCount: p.networkAcls?.virtualNetworkRules?.length ?? 0,
    privateEndpointCount: p.privateEndpointConnections?.length ?? 0,
    accessPolicyCount: p.accessPolicies?.length ?? 0,
    tags: v.tags ?? {},
  };
}

const VAULT_QUERY =
  "resources | where type =~ 'microsoft.keyvault/vaults' | project id, name, location, resourceGroup, subscriptionId, tenantId, properties, tags";

/** All vaults of the given subscriptions through Resource Graph, paging with `options.skipToken`. */
export async function listVaultsResourceGraph(
  subscriptionIds: string[],
  o: CallOptions & { pageSize?: number } = {},
): Promise<CloudVault[]> {
  const rg = resourceGraphClient();
  const out: CloudVault[] = [];
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
      for (const row of (r.data ?? []) as Parameters<typeof normaliseVault>[0][]) out.push(normaliseVault(row));
      skipToken = r.skipToken || undefined;
      if (++pages > 100_000) throw new Error("Resource Graph paging did not terminate");
    } while (skipToken);
  }
  return out;
}

/** Fallback: ARM vaults.listBySubscription, one page per call (retried per page). */
export async function listVaultsArm(subscriptionId: string, o: CallOptions = {}): Promise<CloudVault[]> {
  const client = keyVaultManagementClient(subscriptionId);
  const out: CloudVault[] = [];
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
    for (const v of page)
      out.push(
        normaliseVault({
          id: v.id!,
          name: v.name!,
          location: v.location,
          tags: v.tags,
          properties: v.properties as RawProps,
        }),
      );
    token = (page as { continuationToken?: string }).continuationToken;
  }
  return out;
}

export async function getDiagnosticsEnabled(vaultId: string, o: CallOptions = {}): Promise<boolean> {
  const r = await withRetry(
    (signal) =>
      armGetJson<{
        value?: {
          properties?: {
            logs?: { enabled?: boolean }[];
            workspaceId?: string;
            storageAccountId?: string;
            eventHubAuthorizationRuleId?: string;
          };
        }[];
      }>(`${vaultId}/providers/Microsoft.Insights/diagnosticSettings?api-version=${DIAGNOSTICS_API}`, signal),
    o,
  );
  return (r.value ?? []).some(
    (s) =>
      (s.properties?.logs ?? []).some((l) => l.enabled) &&
      !!(s.properties?.workspaceId || s.properties?.storageAccountId || s.properties?.eventHubAuthorizationRuleId),
  );
}

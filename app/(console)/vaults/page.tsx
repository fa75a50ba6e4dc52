import { DataTable, type Column } from "@/app/_components/data-table";
import { FilterActions, FilterForm, NoMatches, SearchFilter, SelectFilter } from "@/app/_components/filters";
import { SubscriptionFilter } from "../_components/subscription-filter";
import { loadList, readListParams, type SearchParams } from "@/app/_components/list-params";
import { PageHeader } from "@/app/_components/page-header";
import { Pager } from "@/app/_components/pager";
import { accessLabel, EmptyState } from "@/app/_components/status";
import { inventoryFacets } from "@/lib/inventory/list-assets";
import { listVaults, listVaultsInput, type VaultListRow } from "@/lib/inventory/vaults";
import { isUnreadable } from "@/lib/inventory/vault-readability";
import { requirePage } from "@/lib/web/page-guard";
import { POSTURE_GAP_LABEL } from "../_components/posture-labels";
import { VaultRows, type VaultRowData } from "./_components/vault-rows";

export const metadata = { title: "Vaults" };

const ACCESS_OPTIONS = ["ok", "unreadable", "firewall", "permission", "throttled", "network", "unknown"].map(
  (value) => ({
    value,
    label: value === "unreadable" ? "Not readable (any reason)" : accessLabel(value),
  }),
);
const POSTURE_OPTIONS = Object.entries(POSTURE_GAP_LABEL).map(([value, label]) => ({ value, label }));

export default async function VaultsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await requirePage("dashboard:read", "/vaults");
  const list = readListParams(await searchParams, listVaultsInput);
  const view = await loadList(list, (input) => listVaults({ ctx, input, cachedCounts: true }));
  const { rows, query } = view.result;
  const facets = await inventoryFacets({ ctx, input: { limit: 0 } });
  const filtered = [query.subscription, query.access, query.posture, query.q].some(Boolean);
  const rowData = rows.map(toRowData);
  const now = new Date();

  return (
    <>
      <PageHeader
        title="Vaults"
        description="Every Key Vault discovered, with its security posture and whether the scanner could read its data plane."
      />
      <FilterForm path="/vaults" label="Filter vaults" columns={5} view={view}>
        <SearchFilter name="q" label="Name contains" value={query.q} placeholder="kv-" />
        <SubscriptionFilter value={query.subscription} subscriptions={facets.subscriptions} />
        <SelectFilter name="access" label="Access" value={query.access} any="Any" options={ACCESS_OPTIONS} />
        <SelectFilter name="posture" label="Posture gap" value={query.posture} any="Any" options={POSTURE_OPTIONS} />
        <FilterActions resetHref="/vaults" />
      </FilterForm>
      {rows.length === 0 && !filtered ? (
        <EmptyState title="No vaults discovered yet">
          Run a scan from the Scans page to discover the Key Vaults in your subscriptions.
        </EmptyState>
      ) : (
        <DataTable
          label="Vaults"
          testId="vaults-table"
          dense
          columns={COLUMNS}
          rows={rowData}
          rowKey={(v) => v.id}
          empty={<NoMatches what="vaults" clearHref="/vaults" />}
          body={<VaultRows rows={rowData} now={now.getTime()} />}
        />
      )}
      <Pager path="/vaults" view={view} noun="vault" testId="vaults-total" />
    </>
  );
}

/** Headers only: the rows are rendered by VaultRows from data. */
const COLUMNS: Column<VaultRowData>[] = [
  { header: "Vault" },
  { header: "Access" },
  { header: "Authorization" },
  { header: "Deletion protection" },
  { header: "Network & logging" },
  { header: "Objects", align: "right" },
];

function toRowData(v: VaultListRow): VaultRowData {
  const unreadable = isUnreadable(v);
  return {
    id: v.id,
    name: v.name,
    resourceGroup: v.resourceGroup,
    location: v.location,
    subscriptionId: v.subscriptionId,
    subscriptionName: v.subscriptionName,
    accessStatus: v.accessStatus,
    lastScannedAt: v.lastScannedAt ? v.lastScannedAt.toISOString() : null,
    unreadable,
    liveObjects: v.liveObjects,
    lastKnown: unreadable && v.listedAt ? v.objectCount : null,
    atRisk: v.expired + v.critical,
    enableRbacAuthorization: v.enableRbacAuthorization,
    accessPolicyCount: v.accessPolicyCount,
    enableSoftDelete: v.enableSoftDelete,
    softDeleteRetentionDays: v.softDeleteRetentionDays,
    enablePurgeProtection: v.enablePurgeProtection,
    publicNetworkAccess: v.publicNetworkAccess,
    privateEndpointCount: v.privateEndpointCount,
    networkDefaultAction: v.networkDefaultAction,
    ipRuleCount: v.ipRuleCount,
    vnetRuleCount: v.vnetRuleCount,
    diagnosticsEnabled: v.diagnosticsEnabled,
  };
}

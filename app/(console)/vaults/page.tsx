import { DataTable, type Column } from "@/app/_components/data-table";
import { FilterActions, FilterForm, NoMatches, SearchFilter, SelectFilter } from "@/app/_components/filters";
import { SubscriptionFilter } from "../_components/subscription-filter";
import { formatNumber, formatRelative } from "@/app/_components/format";
import { loadList, readListParams, type SearchParams } from "@/app/_components/list-params";
import { PageHeader } from "@/app/_components/page-header";
import { Pager } from "@/app/_components/pager";
import { AccessBadge, accessLabel, EmptyState } from "@/app/_components/status";
import { vaultSlug } from "@/lib/inventory/ids";
import { inventoryFacets } from "@/lib/inventory/list-assets";
import { listVaults, listVaultsInput, type VaultListRow } from "@/lib/inventory/vaults";
import { isUnreadable } from "@/lib/inventory/vault-readability";
import { requirePage } from "@/lib/web/page-guard";
import { authModel, diagnostics, network, purgeProtection, softDelete } from "../_components/posture";
import { POSTURE_GAP_LABEL } from "../_components/posture-labels";

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
  const view = await loadList(list, (input) => listVaults({ ctx, input }));
  const { rows, query } = view.result;
  const facets = await inventoryFacets({ ctx, input: { limit: 0 } });
  const filtered = [query.subscription, query.access, query.posture, query.q].some(Boolean);

  return (
    <>
      <PageHeader
        title="Vaults"
        description="Every Key Vault discovered, with its security posture and whether the scanner could read its data plane."
      />
      <FilterForm label="Filter vaults" columns={5} view={view}>
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
          columns={vaultColumns(new Date())}
          rows={rows}
          rowKey={(v) => v.id}
          rowHref={(v) => `/vaults/${vaultSlug(v.id)}`}
          empty={<NoMatches what="vaults" clearHref="/vaults" />}
        />
      )}
      <Pager path="/vaults" view={view} noun="vault" testId="vaults-total" />
    </>
  );
}

function vaultColumns(now: Date): Column<VaultListRow>[] {
  return [
    {
      header: "Vault",
      cell: (v) => <span className="whitespace-nowrap">{v.name}</span>,
      detail: (v) => (
        <>
          {v.resourceGroup} · {v.location ?? "—"}
          <div className="max-w-52 truncate" title={v.subscriptionId}>
            {v.subscriptionName ?? v.subscriptionId}
          </div>
        </>
      ),
    },
    {
      header: "Access",
      cell: (v) => <AccessBadge status={v.accessStatus} />,
      detail: (v) => (
        <span className="mt-1 block whitespace-nowrap">scanned {formatRelative(v.lastScannedAt, now)}</span>
      ),
    },
    { header: "Authorization", cell: authModel },
    postureColumn("Deletion protection", "w-14", [
      ["Soft del.", softDelete],
      ["Purge", purgeProtection],
    ]),
    postureColumn("Network & logging", "w-10", [
      ["Net", network],
      ["Diag.", diagnostics],
    ]),
    {
      header: "Objects",
      align: "right",
      className: "tabular-nums",
      cell: (v) =>
        isUnreadable(v) ? (
          <span className="whitespace-nowrap text-orange-800 dark:text-orange-200">not readable</span>
        ) : (
          <a href={`/inventory?vault=${encodeURIComponent(v.id)}`} className="hover:underline">
            {formatNumber(v.liveObjects)}
          </a>
        ),
      detail: (v) => (
        <>
          {isUnreadable(v) && v.listedAt && (
            <a
              href={`/inventory?vault=${encodeURIComponent(v.id)}`}
              className="block whitespace-nowrap hover:underline"
            >
              last known {formatNumber(v.objectCount)}
            </a>
          )}
          {v.expired + v.critical > 0 && (
            <span className="font-medium text-red-600 dark:text-red-400">{v.expired + v.critical} at risk</span>
          )}
        </>
      ),
    },
  ];
}

/** A column of labelled posture pills stacked in one cell (label width fits the column's longest label). */
function postureColumn(
  header: string,
  labelWidth: "w-10" | "w-14",
  lines: [string, (v: VaultListRow) => React.ReactNode][],
): Column<VaultListRow> {
  return {
    header,
    cell: (v) => (
      <div className="flex flex-col items-start gap-1 text-xs">
        {lines.map(([label, pill]) => (
          <span key={label} className="flex items-center gap-1.5">
            <span className={`${labelWidth} text-slate-500`}>{label}</span>
            {pill(v)}
          </span>
        ))}
      </div>
    ),
  };
}

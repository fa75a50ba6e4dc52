import { DataTable, type Column } from "@/app/_components/data-table";
import { NoMatches } from "@/app/_components/filters";
import { listHref } from "@/app/_components/list-href";
import { loadList, readListParams, type SearchParams } from "@/app/_components/list-params";
import { PageHeader } from "@/app/_components/page-header";
import { Pager } from "@/app/_components/pager";
import { sortState } from "@/app/_components/sort";
import { defaultDir, displayStatus, type AssetSort } from "@/lib/inventory/filters";
import { vaultHref } from "@/lib/inventory/ids";
import { inventoryFacets, listAssets, listAssetsInput, type AssetRow } from "@/lib/inventory/list-assets";
import { requirePage } from "@/lib/web/page-guard";
import { AssetRows, type AssetRowData } from "./_components/asset-rows";
import { InventoryFilters } from "./_components/inventory-filters";

export const metadata = { title: "Inventory" };

/** Headers only: the rows are rendered by AssetRows from data. */
const COLUMNS: Column<AssetRowData>[] = [
  { header: "Name", sortKey: "name" },
  { header: "Vault", sortKey: "vault" },
  { header: "Status" },
  { header: "Expires", sortKey: "expiry" },
  { header: "Updated", sortKey: "updated" },
  { header: "Tags" },
];

export default async function InventoryPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await requirePage("dashboard:read", "/inventory");
  const list = readListParams(await searchParams, listAssetsInput);
  const view = await loadList(list, (input) => listAssets({ ctx, input, cachedCount: true }));
  const { rows, query } = view.result;
  const facets = await inventoryFacets({ ctx, input: { subscription: query.subscription, limit: 150 } });
  const sortKey: AssetSort = query.sort ?? "expiry";
  const sort = sortState({
    path: "/inventory",
    params: view.params,
    key: sortKey,
    dir: query.dir ?? defaultDir(sortKey),
    defaultDir: (k) => defaultDir(k as AssetSort),
  });
  const rowData = rows.map(toRowData);
  const now = new Date();

  return (
    <>
      <PageHeader
        title="Inventory"
        description="Every secret, certificate and key discovered, metadata only. Filter, sort and export; the URL keeps the view so you can share it."
        actions={<ExportLink href={listHref("/api/inventory/export", view.params, { pageSize: undefined })} />}
      />
      <InventoryFilters view={view} facets={facets} />
      <DataTable
        label="Inventory objects"
        testId="inventory-table"
        columns={COLUMNS}
        rows={rowData}
        rowKey={(r) => r.id}
        sort={sort}
        empty={<NoMatches what="objects" clearHref="/inventory" />}
        body={
          <AssetRows
            rows={rowData}
            now={now.getTime()}
            tagBase={listHref("/inventory", view.params, { tag: undefined })}
          />
        }
      />
      <Pager path="/inventory" view={view} noun="object" testId="inventory-total" />
    </>
  );
}

function toRowData(r: AssetRow): AssetRowData {
  const tags = Object.entries(r.tags ?? {});
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    contentType: r.contentType,
    vaultHref: vaultHref(r.vaultId),
    vaultName: r.vaultName,
    subscriptionId: r.subscriptionId,
    subscriptionName: r.subscriptionName,
    status: displayStatus(r),
    enabled: r.enabled,
    removed: !!r.removedAt,
    expiresOn: r.expiresOn ? r.expiresOn.toISOString() : null,
    updatedOn: r.updatedOn ? r.updatedOn.toISOString() : null,
    tags: tags.slice(0, 2),
    moreTags: tags.slice(2).map(([k, v]) => `${k}=${v}`),
  };
}

function ExportLink({ href }: { href: string }) {
  return (
    <a href={href} className="btn-secondary" data-testid="export-csv" download>
      <svg
        viewBox="0 0 20 20"
        className="h-4 w-4"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden="true"
      >
        <path d="M10 3v10m0 0-4-4m4 4 4-4M4 15v2h12v-2" />
      </svg>
      Export CSV
    </a>
  );
}

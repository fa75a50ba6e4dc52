import { FilterActions, FilterForm, SearchFilter, SelectFilter, ToggleFilter } from "@/app/_components/filters";
import type { ListView } from "@/app/_components/list-params";
import { STATUS_LABEL, TYPE_PLURAL } from "@/app/_components/status";
import { ASSET_STATUSES, ASSET_TYPES, type AssetSort } from "@/lib/inventory/filters";
import type { inventoryFacets, ListAssetsQuery } from "@/lib/inventory/list-assets";
import { SubscriptionFilter } from "../../_components/subscription-filter";

const STATUS_OPTIONS = ASSET_STATUSES.map((value) => ({ value, label: STATUS_LABEL[value] }));
const TYPE_OPTIONS = ASSET_TYPES.map((value) => ({ value, label: TYPE_PLURAL[value] }));
const SORT_OPTIONS: { value: AssetSort; label: string }[] = [
  { value: "expiry", label: "Expiry" },
  { value: "name", label: "Name" },
  { value: "updated", label: "Updated" },
  { value: "vault", label: "Vault" },
];

/** The inventory's filter form: the filters the list verb accepts, plus the sort (also set by the column headers). */
export function InventoryFilters({
  view,
  facets,
}: {
  view: ListView<{ query: ListAssetsQuery }>;
  facets: Awaited<ReturnType<typeof inventoryFacets>>;
}) {
  const { query } = view.result;
  return (
    <FilterForm
      path="/inventory"
      label="Filter inventory"
      columns={4}
      testId="inventory-filters"
      view={view}
      keep={["dir", "pageSize"]}
    >
      <SearchFilter name="q" label="Name contains" value={query.q} placeholder="e.g. db-password" wide />
      <SelectFilter name="type" label="Type" value={query.type} any="All types" options={TYPE_OPTIONS} />
      <SelectFilter name="status" label="Status" value={query.status} any="Any status" options={STATUS_OPTIONS} />
      <SubscriptionFilter value={query.subscription} subscriptions={facets.subscriptions} />
      <SelectFilter
        name="vault"
        label="Vault"
        value={query.vault}
        any={facets.vaultsTruncated ? "All (choose a subscription to pick one)" : "All vaults"}
        options={vaultOptions(query.vault, facets)}
      />
      <SearchFilter name="tag" label="Tag" value={query.tag} placeholder="key=value" />
      <SelectFilter name="sort" label="Sort by" value={query.sort ?? "expiry"} options={SORT_OPTIONS} />
      <FilterActions resetHref="/inventory" submitLabel="Apply filters">
        <ToggleFilter
          name="removed"
          label="Show objects removed from Azure"
          checked={!!query.removed}
          testId="show-removed"
        />
      </FilterActions>
    </FilterForm>
  );
}

/**
 * A dropdown of thousands of vaults helps nobody: past the facet limit, pick a subscription first. A vault set by URL
 * (a link from the vault page) stays selectable either way.
 */
function vaultOptions(current: string | undefined, facets: Awaited<ReturnType<typeof inventoryFacets>>) {
  const options = (facets.vaultsTruncated ? [] : facets.vaults).map((v) => ({ value: v.id, label: v.name }));
  if (current && !options.some((o) => o.value === current)) {
    const known = facets.vaults.find((v) => v.id === current)?.name;
    options.unshift({ value: current, label: known ?? current.split("/").pop() ?? current });
  }
  return options;
}

import Link from "next/link";
import { ZodError } from "zod";
import { formatNumber } from "@/app/_components/format";
import { PageHeader } from "@/app/_components/page-header";
import { ASSET_STATUSES, ASSET_TYPES, defaultDir, displayStatus, type AssetSort } from "@/lib/inventory/filters";
import { vaultSlug } from "@/lib/inventory/ids";
import { inventoryFacets, listAssets } from "@/lib/inventory/list-assets";
import { requirePage } from "@/lib/web/page-guard";
import { InvalidFilterNotice } from "@/app/_components/filters";
import { AssetRows, type AssetRowData } from "./_components/asset-rows";

export const metadata = { title: "Inventory" };

type Search = Record<string, string | string[] | undefined>;
const FILTER_KEYS = ["type", "status", "subscription", "vault", "tag", "q", "removed", "sort", "dir"] as const;
const STATUS_OPTION: Record<string, string> = {
  expired: "Expired",
  critical: "Critical",
  warning: "Warning",
  healthy: "Healthy",
  "no-expiry": "No expiry",
  disabled: "Disabled",
};
const TYPE_OPTION: Record<string, string> = { secret: "Secrets", certificate: "Certificates", key: "Keys" };

export default async function InventoryPage({ searchParams }: { searchParams: Promise<Search> }) {
  const ctx = await requirePage("dashboard:read", "/inventory");
  const sp = await searchParams;
  const one = (k: string) => (typeof sp[k] === "string" && sp[k] !== "" ? (sp[k] as string) : undefined);
  const raw = Object.fromEntries([...FILTER_KEYS, "page"].map((k) => [k, one(k)]).filter(([, v]) => v !== undefined));
  let result;
  let inputError = false;
  try {
    result = await listAssets({ ctx, input: raw, cachedCount: true });
  } catch (err) {
    if (!(err instanceof ZodError)) throw err;
    inputError = true;
    result = await listAssets({ ctx, input: {} });
  }
  const { rows, total, query } = result;
  const facets = await inventoryFacets({ ctx, input: { subscription: query.subscription, limit: 150 } });
  const pages = Math.max(1, Math.ceil(total / query.pageSize));
  const sort: AssetSort = query.sort ?? "expiry";
  const dir = query.dir ?? defaultDir(sort);
  const now = new Date();

  const params = (over: Record<string, string | undefined>) => {
    const p = new URLSearchParams();
    for (const k of FILTER_KEYS) {
      const v =
        k in over
          ? over[k]
          : k === "removed"
            ? query.removed
              ? "1"
              : undefined
            : (query as Record<string, unknown>)[k];
      if (v !== undefined && v !== "" && v !== false) p.set(k, String(v));
    }
    if (over.page && over.page !== "1") p.set("page", over.page);
    return p;
  };
  const link = (over: Record<string, string | undefined>) => {
    const p = params(over).toString();
    return p ? `/inventory?${p}` : "/inventory";
  };
  const exportHref = `/api/inventory/export?${params({})}`;
  const sortLink = (s: AssetSort) =>
    link({ sort: s, dir: sort === s ? (dir === "asc" ? "desc" : "asc") : defaultDir(s) });
  const arrow = (s: AssetSort) => (sort === s ? (dir === "asc" ? " ↑" : " ↓") : "");
  const ariaSort = (s: AssetSort) => (sort === s ? (dir === "asc" ? "ascending" : "descending") : undefined);
  // A dropdown of thousands of vaults helps nobody: past 150, pick a subscription first (a vault set by URL stays selectable).
  const vaultOptions = facets.vaultsTruncated ? [] : facets.vaults;
  const tagBase = link({ tag: undefined, page: undefined });
  const rowData: AssetRowData[] = rows.map((r) => {
    const tags = Object.entries(r.tags ?? {});
    return {
      id: r.id,
      name: r.name,
      type: r.type,
      contentType: r.contentType,
      vaultHref: `/vaults/${vaultSlug(r.vaultId)}`,
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
  });
  const currentVaultName = query.vault
    ? (facets.vaults.find((v) => v.id === query.vault)?.name ?? query.vault.split("/").pop())
    : undefined;

  return (
    <>
      <PageHeader
        title="Inventory"
        description="Every secret, certificate and key discovered, metadata only. Filter, sort and export; the URL keeps the view so you can share it."
        actions={
          <a href={exportHref} className="btn-secondary" data-testid="export-csv" download>
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
        }
      />
      <form
        className="card mb-4 grid gap-3 p-4 sm:grid-cols-2 lg:grid-cols-4"
        method="get"
        role="search"
        aria-label="Filter inventory"
        data-testid="inventory-filters"
      >
        <div className="sm:col-span-2">
          <label className="label" htmlFor="q">
            Name contains
          </label>
          <input className="input" id="q" name="q" placeholder="e.g. db-password" defaultValue={query.q} />
        </div>
        <div>
          <label className="label" htmlFor="type">
            Type
          </label>
          <select className="input" id="type" name="type" defaultValue={query.type ?? ""}>
            <option value="">All types</option>
            {ASSET_TYPES.map((t) => (
              <option key={t} value={t}>
                {TYPE_OPTION[t]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="status">
            Status
          </label>
          <select className="input" id="status" name="status" defaultValue={query.status ?? ""}>
            <option value="">Any status</option>
            {ASSET_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_OPTION[s]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="subscription">
            Subscription
          </label>
          <select className="input" id="subscription" name="subscription" defaultValue={query.subscription ?? ""}>
            <option value="">All subscriptions</option>
            {facets.subscriptions.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="vault">
            Vault
          </label>
          <select className="input" id="vault" name="vault" defaultValue={query.vault ?? ""}>
            <option value="">
              {facets.vaultsTruncated ? "All (choose a subscription to pick one)" : "All vaults"}
            </option>
            {query.vault && !vaultOptions.some((v) => v.id === query.vault) && (
              <option value={query.vault}>{currentVaultName}</option>
            )}
            {vaultOptions.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="tag">
            Tag
          </label>
          <input className="input" id="tag" name="tag" placeholder="key=value" defaultValue={query.tag} />
        </div>
        <div>
          <label className="label" htmlFor="sort">
            Sort by
          </label>
          <select className="input" id="sort" name="sort" defaultValue={sort}>
            <option value="expiry">Expiry</option>
            <option value="name">Name</option>
            <option value="updated">Updated</option>
            <option value="vault">Vault</option>
          </select>
          {query.dir && <input type="hidden" name="dir" value={query.dir} />}
        </div>
        <div className="flex flex-wrap items-end justify-between gap-3 sm:col-span-2 lg:col-span-4">
          <label className="flex items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
            <input
              type="checkbox"
              name="removed"
              value="1"
              defaultChecked={!!query.removed}
              className="h-4 w-4 rounded border-slate-300 accent-brand-600"
              data-testid="show-removed"
            />
            Show objects removed from Azure
          </label>
          <div className="flex gap-2">
            <Link className="btn-secondary" href="/inventory">
              Reset
            </Link>
            <button className="btn-primary" type="submit">
              Apply filters
            </button>
          </div>
        </div>
      </form>
      {inputError && <InvalidFilterNotice />}
      <div className="card overflow-x-auto">
        <table className="table" data-testid="inventory-table">
          <thead>
            <tr>
              <th aria-sort={ariaSort("name")}>
                <a href={sortLink("name")} className="hover:text-slate-900 dark:hover:text-white">
                  Name{arrow("name")}
                </a>
              </th>
              <th aria-sort={ariaSort("vault")}>
                <a href={sortLink("vault")} className="hover:text-slate-900 dark:hover:text-white">
                  Vault{arrow("vault")}
                </a>
              </th>
              <th>Status</th>
              <th aria-sort={ariaSort("expiry")}>
                <a href={sortLink("expiry")} className="hover:text-slate-900 dark:hover:text-white">
                  Expires{arrow("expiry")}
                </a>
              </th>
              <th aria-sort={ariaSort("updated")}>
                <a href={sortLink("updated")} className="hover:text-slate-900 dark:hover:text-white">
                  Updated{arrow("updated")}
                </a>
              </th>
              <th>Tags</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={6} className="py-12 text-center text-slate-500">
                  No objects match these filters.{" "}
                  <Link href="/inventory" className="text-brand-600 hover:underline dark:text-blue-300">
                    Clear filters
                  </Link>
                </td>
              </tr>
            )}
            <AssetRows rows={rowData} now={now.getTime()} tagBase={tagBase} />
          </tbody>
        </table>
      </div>
      <nav
        className="mt-4 flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600 dark:text-slate-400"
        aria-label="Pagination"
      >
        <span data-testid="inventory-total">
          {formatNumber(total)} object{total === 1 ? "" : "s"} · page {query.page} of {formatNumber(pages)}
        </span>
        <div className="flex gap-2">
          {query.page > 1 && (
            <a className="btn-secondary" href={link({ page: "1" })}>
              « First
            </a>
          )}
          {query.page > 1 && (
            <a className="btn-secondary" href={link({ page: String(query.page - 1) })} rel="prev">
              ← Previous
            </a>
          )}
          {query.page < pages && (
            <a className="btn-secondary" href={link({ page: String(query.page + 1) })} rel="next">
              Next →
            </a>
          )}
        </div>
      </nav>
    </>
  );
}

import { ZodError } from "zod";
import { formatNumber, formatRelative } from "@/app/_components/format";
import { PageHeader } from "@/app/_components/page-header";
import { AccessBadge, EmptyState } from "@/app/_components/status";
import { vaultSlug } from "@/lib/inventory/ids";
import { inventoryFacets } from "@/lib/inventory/list-assets";
import { listVaults } from "@/lib/inventory/vaults";
import { requirePage } from "@/lib/web/page-guard";
import { authModel, diagnostics, network, purgeProtection, softDelete } from "../_components/posture";
import { FilterActions, InvalidFilterNotice } from "@/app/_components/filters";

export const metadata = { title: "Vaults" };

type Search = Record<string, string | string[] | undefined>;

export default async function VaultsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const ctx = await requirePage("dashboard:read", "/vaults");
  const sp = await searchParams;
  const one = (k: string) => (typeof sp[k] === "string" && sp[k] !== "" ? (sp[k] as string) : undefined);
  const raw = {
    subscription: one("subscription"),
    access: one("access"),
    posture: one("posture"),
    q: one("q"),
    page: one("page"),
  };
  let result;
  let inputError = false;
  try {
    result = await listVaults({ ctx, input: raw });
  } catch (err) {
    if (!(err instanceof ZodError)) throw err;
    inputError = true;
    result = await listVaults({ ctx, input: {} });
  }
  const { rows, total, query } = result;
  const facets = await inventoryFacets({ ctx, input: { limit: 0 } });
  const now = new Date();
  const filtered = [raw.subscription, raw.access, raw.posture, raw.q].some(Boolean);
  const pages = Math.max(1, Math.ceil(total / query.pageSize));
  const link = (page: number) => {
    const p = new URLSearchParams();
    for (const k of ["subscription", "access", "posture", "q"] as const) if (query[k]) p.set(k, String(query[k]));
    p.set("page", String(page));
    return `/vaults?${p}`;
  };

  return (
    <>
      <PageHeader
        title="Vaults"
        description="Every Key Vault discovered, with its security posture and whether the scanner could read its data plane."
      />
      <form
        className="card mb-4 grid gap-3 p-4 sm:grid-cols-2 lg:grid-cols-5"
        method="get"
        role="search"
        aria-label="Filter vaults"
      >
        <div>
          <label className="label" htmlFor="vq">
            Name contains
          </label>
          <input className="input" id="vq" name="q" defaultValue={raw.q} placeholder="kv-" />
        </div>
        <div>
          <label className="label" htmlFor="vsub">
            Subscription
          </label>
          <select className="input" id="vsub" name="subscription" defaultValue={raw.subscription ?? ""}>
            <option value="">All subscriptions</option>
            {facets.subscriptions.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="vaccess">
            Access
          </label>
          <select className="input" id="vaccess" name="access" defaultValue={raw.access ?? ""}>
            <option value="">Any</option>
            <option value="ok">Reachable</option>
            <option value="unreachable">Unreachable (any reason)</option>
            <option value="firewall">Blocked by firewall</option>
            <option value="permission">Permission denied</option>
            <option value="throttled">Throttled</option>
            <option value="network">Network error</option>
            <option value="unknown">Not scanned yet</option>
          </select>
        </div>
        <div>
          <label className="label" htmlFor="vposture">
            Posture gap
          </label>
          <select className="input" id="vposture" name="posture" defaultValue={raw.posture ?? ""}>
            <option value="">Any</option>
            <option value="public-network">Public network open</option>
            <option value="no-purge-protection">No purge protection</option>
            <option value="no-soft-delete">No soft delete</option>
            <option value="access-policies">Access policies (not RBAC)</option>
            <option value="no-diagnostics">No diagnostics</option>
          </select>
        </div>
        <FilterActions resetHref="/vaults" />
      </form>
      {inputError && <InvalidFilterNotice />}
      {rows.length === 0 && !filtered ? (
        <EmptyState title="No vaults discovered yet">
          Run a scan from the Scans page to discover the Key Vaults in your subscriptions.
        </EmptyState>
      ) : (
        <div className="card overflow-x-auto">
          <table className="table [&_td]:px-3 [&_th]:px-3" data-testid="vaults-table">
            <thead>
              <tr>
                <th>Vault</th>
                <th>Access</th>
                <th>Authorization</th>
                <th>Deletion protection</th>
                <th>Network &amp; logging</th>
                <th className="text-right">Objects</th>
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && (
                <tr>
                  <td colSpan={6} className="py-10 text-center text-slate-500">
                    No vaults match these filters.
                  </td>
                </tr>
              )}
              {rows.map((v) => (
                <tr key={v.id}>
                  <td>
                    <a href={`/vaults/${vaultSlug(v.id)}`} className="whitespace-nowrap font-medium hover:underline">
                      {v.name}
                    </a>
                    <div className="text-xs text-slate-500">
                      {v.resourceGroup} · {v.location ?? "—"}
                    </div>
                    <div className="max-w-52 truncate text-xs text-slate-500" title={v.subscriptionId}>
                      {v.subscriptionName ?? v.subscriptionId}
                    </div>
                  </td>
                  <td>
                    <AccessBadge status={v.accessStatus} />
                    <div className="mt-1 whitespace-nowrap text-xs text-slate-500">
                      scanned {formatRelative(v.lastScannedAt, now)}
                    </div>
                  </td>
                  <td>{authModel(v)}</td>
                  <td>
                    <div className="flex flex-col items-start gap-1 text-xs">
                      <span className="flex items-center gap-1.5">
                        <span className="w-14 text-slate-500">Soft del.</span>
                        {softDelete(v)}
                      </span>
                      <span className="flex items-center gap-1.5">
                        <span className="w-14 text-slate-500">Purge</span>
                        {purgeProtection(v)}
                      </span>
                    </div>
                  </td>
                  <td>
                    <div className="flex flex-col items-start gap-1 text-xs">
                      <span className="flex items-center gap-1.5">
                        <span className="w-10 text-slate-500">Net</span>
                        {network(v)}
                      </span>
                      <span className="flex items-center gap-1.5">
                        <span className="w-10 text-slate-500">Diag.</span>
                        {diagnostics(v)}
                      </span>
                    </div>
                  </td>
                  <td className="text-right tabular-nums">
                    <a href={`/inventory?vault=${encodeURIComponent(v.id)}`} className="hover:underline">
                      {formatNumber(v.liveObjects)}
                    </a>
                    {v.expired + v.critical > 0 && (
                      <div className="text-xs font-medium text-red-600 dark:text-red-400">
                        {v.expired + v.critical} at risk
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav
        className="mt-4 flex items-center justify-between text-sm text-slate-600 dark:text-slate-400"
        aria-label="Pagination"
      >
        <span data-testid="vaults-total">
          {formatNumber(total)} vault{total === 1 ? "" : "s"} · page {query.page} of {pages}
        </span>
        <div className="flex gap-2">
          {query.page > 1 && (
            <a className="btn-secondary" href={link(query.page - 1)}>
              ← Previous
            </a>
          )}
          {query.page < pages && (
            <a className="btn-secondary" href={link(query.page + 1)}>
              Next →
            </a>
          )}
        </div>
      </nav>
    </>
  );
}

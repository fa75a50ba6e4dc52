import { ZodError } from "zod";
import { formatDate, formatDaysUntil, formatNumber } from "@/app/_components/format";
import { PageHeader } from "@/app/_components/page-header";
import { EmptyState, StatusBadge } from "@/app/_components/status";
import { listApps } from "@/lib/inventory/apps";
import { requirePage } from "@/lib/web/page-guard";
import { FilterActions, InvalidFilterNotice } from "@/app/_components/filters";

export const metadata = { title: "App registrations" };

type Search = Record<string, string | string[] | undefined>;
const KEYS = ["kind", "status", "expiringDays", "q"] as const;

export default async function AppsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const ctx = await requirePage("dashboard:read", "/apps");
  const sp = await searchParams;
  const one = (k: string) => (typeof sp[k] === "string" && sp[k] !== "" ? (sp[k] as string) : undefined);
  const raw = Object.fromEntries([...KEYS, "page"].map((k) => [k, one(k)]).filter(([, v]) => v !== undefined));
  const now = new Date();
  let result;
  let inputError = false;
  try {
    result = await listApps({ ctx, input: raw, now });
  } catch (err) {
    if (!(err instanceof ZodError)) throw err;
    inputError = true;
    result = await listApps({ ctx, input: {}, now });
  }
  const { rows, total, query } = result;
  const pages = Math.max(1, Math.ceil(total / query.pageSize));
  const link = (page: number) => {
    const p = new URLSearchParams();
    for (const k of KEYS) if (query[k] !== undefined) p.set(k, String(query[k]));
    p.set("page", String(page));
    return `/apps?${p}`;
  };
  const filtered = KEYS.some((k) => query[k] !== undefined);

  return (
    <>
      <PageHeader
        title="App registrations"
        description="Entra ID applications and service principals with their client secrets and certificates (hints and dates only; Graph never returns secret values)."
      />
      <form
        className="card mb-4 grid gap-3 p-4 sm:grid-cols-2 lg:grid-cols-5"
        method="get"
        role="search"
        aria-label="Filter app registrations"
      >
        <div>
          <label className="label" htmlFor="aq">
            Name or app id
          </label>
          <input className="input" id="aq" name="q" defaultValue={query.q} />
        </div>
        <div>
          <label className="label" htmlFor="akind">
            Kind
          </label>
          <select className="input" id="akind" name="kind" defaultValue={query.kind ?? ""}>
            <option value="">All kinds</option>
            <option value="application">Applications</option>
            <option value="servicePrincipal">Service principals</option>
          </select>
        </div>
        <div>
          <label className="label" htmlFor="astatus">
            Has a credential that is
          </label>
          <select className="input" id="astatus" name="status" defaultValue={query.status ?? ""}>
            <option value="">Any</option>
            <option value="expired">Expired</option>
            <option value="critical">Critical</option>
            <option value="warning">Warning</option>
            <option value="healthy">Healthy</option>
            <option value="no-expiry">Without expiry</option>
            <option value="none">No credentials at all</option>
          </select>
        </div>
        <div>
          <label className="label" htmlFor="aexp">
            Expiring within
          </label>
          <select
            className="input"
            id="aexp"
            name="expiringDays"
            defaultValue={query.expiringDays !== undefined ? String(query.expiringDays) : ""}
          >
            <option value="">Any time</option>
            <option value="7">7 days</option>
            <option value="30">30 days</option>
            <option value="90">90 days</option>
          </select>
        </div>
        <FilterActions resetHref="/apps" />
      </form>
      {inputError && <InvalidFilterNotice />}
      {total === 0 && !filtered ? (
        <EmptyState title="No app registrations discovered yet">
          A full scan also reads applications and service principals from Microsoft Graph (Application.Read.All).
        </EmptyState>
      ) : (
        <div className="card overflow-x-auto">
          <table className="table" data-testid="apps-table">
            <thead>
              <tr>
                <th>Application</th>
                <th>Kind</th>
                <th>Credentials</th>
                <th>Next expiry</th>
                <th>Owners</th>
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && (
                <tr>
                  <td colSpan={5} className="py-10 text-center text-slate-500">
                    No applications match these filters.
                  </td>
                </tr>
              )}
              {rows.map((a) => (
                <tr key={a.id}>
                  <td>
                    <a href={`/apps/${encodeURIComponent(a.id)}`} className="font-medium hover:underline">
                      {a.displayName}
                    </a>
                    <div className="font-mono text-[11px] text-slate-500">{a.appId}</div>
                  </td>
                  <td className="text-xs">{a.kind === "servicePrincipal" ? "Service principal" : "Application"}</td>
                  <td>
                    <div className="flex flex-wrap items-center gap-1 text-xs">
                      <span className="mr-1 tabular-nums">{a.credentials}</span>
                      {a.expired > 0 && <StatusBadge status="expired" className="!px-1.5" />}
                      {a.critical > 0 && <StatusBadge status="critical" className="!px-1.5" />}
                      {a.warning > 0 && <StatusBadge status="warning" className="!px-1.5" />}
                    </div>
                  </td>
                  <td className="whitespace-nowrap">
                    {a.nextEnd ? formatDaysUntil(a.nextEnd, now) : <span className="text-slate-400">—</span>}
                    <div className="text-xs text-slate-500">{a.nextEnd ? formatDate(a.nextEnd) : ""}</div>
                  </td>
                  <td className="max-w-56 text-xs">
                    {a.owners.length === 0 ? (
                      <span className="text-amber-700 dark:text-amber-300">No owners</span>
                    ) : (
                      a.owners.map((o) => o.displayName ?? o.userPrincipalName ?? o.id).join(", ")
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
        <span>
          {formatNumber(total)} application{total === 1 ? "" : "s"} · page {query.page} of {pages}
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

import Link from "next/link";
import { PageHeader } from "@/app/_components/page-header";
import { formatDateTime } from "@/app/_components/format";
import { distinctAuditActions, listAudit } from "@/lib/audit/query";
import { requirePage } from "@/lib/web/page-guard";
import { ZodError } from "zod";
import { FilterActions, InvalidFilterNotice } from "@/app/_components/filters";

export const metadata = { title: "Audit log" };

type Search = Record<string, string | string[] | undefined>;

const OUTCOME_STYLE: Record<string, string> = {
  success:
    "bg-emerald-50 text-emerald-700 ring-1 ring-emerald-200 dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-500/30",
  failure:
    "bg-amber-50 text-amber-800 ring-1 ring-amber-200 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-500/30",
  denied: "bg-red-50 text-red-700 ring-1 ring-red-200 dark:bg-red-500/10 dark:text-red-300 dark:ring-red-500/30",
};

export default async function AuditPage({ searchParams }: { searchParams: Promise<Search> }) {
  const ctx = await requirePage("audit:read", "/audit");
  const sp = await searchParams;
  const one = (k: string) => (typeof sp[k] === "string" && sp[k] !== "" ? (sp[k] as string) : undefined);
  // Dates in the form are whole UTC days; "to" includes the whole day.
  const to = one("to") ? new Date(new Date(`${one("to")}T00:00:00Z`).getTime() + 86_399_999).toISOString() : undefined;
  let result;
  let inputError = false;
  try {
    result = await listAudit({
      ctx,
      input: {
        from: one("from") ? `${one("from")}T00:00:00Z` : undefined,
        to,
        actor: one("actor"),
        action: one("action"),
        target: one("target"),
        page: one("page") ?? 1,
      },
    });
  } catch (err) {
    if (!(err instanceof ZodError)) throw err;
    inputError = true;
    result = await listAudit({ ctx, input: {} });
  }
  const actions = await distinctAuditActions(ctx);
  const { rows, total, query } = result;
  const pages = Math.max(1, Math.ceil(total / query.pageSize));
  const link = (page: number) => {
    const p = new URLSearchParams();
    for (const k of ["from", "to", "actor", "action", "target"]) if (one(k)) p.set(k, one(k)!);
    p.set("page", String(page));
    return `/audit?${p}`;
  };

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Append-only and hash-chained: every entry links to the one before it and is signed with a key derived from SECRET_KEY. Run `npm run audit:verify` to check the whole chain."
      />
      <form
        className="card mb-4 grid gap-3 p-4 sm:grid-cols-2 lg:grid-cols-6"
        method="get"
        role="search"
        aria-label="Filter audit entries"
      >
        <div>
          <label className="label" htmlFor="from">
            From
          </label>
          <input className="input" type="date" id="from" name="from" defaultValue={one("from")} />
        </div>
        <div>
          <label className="label" htmlFor="to">
            To
          </label>
          <input className="input" type="date" id="to" name="to" defaultValue={one("to")} />
        </div>
        <div>
          <label className="label" htmlFor="actor">
            Actor
          </label>
          <input
            className="input"
            id="actor"
            name="actor"
            placeholder="UPN, object id or job"
            defaultValue={one("actor")}
          />
        </div>
        <div>
          <label className="label" htmlFor="action">
            Action
          </label>
          <select className="input" id="action" name="action" defaultValue={one("action") ?? ""}>
            <option value="">All actions</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="target">
            Target
          </label>
          <input
            className="input"
            id="target"
            name="target"
            placeholder="Id or part of it"
            defaultValue={one("target")}
          />
        </div>
        <FilterActions resetHref="/audit" />
      </form>
      {inputError && <InvalidFilterNotice />}
      <div className="card overflow-x-auto">
        <table className="table" data-testid="audit-table">
          <thead>
            <tr>
              <th>#</th>
              <th>Time</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Outcome</th>
              <th>Target</th>
              <th>From</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={8} className="py-10 text-center text-slate-500">
                  No audit entries match these filters.
                </td>
              </tr>
            )}
            {rows.map((r) => (
              <tr key={r.seq}>
                <td className="font-mono text-xs text-slate-500">{r.seq}</td>
                <td className="whitespace-nowrap">{formatDateTime(r.at)}</td>
                <td>
                  <div className="font-medium">{r.actorName ?? r.actorId}</div>
                  <div className="text-xs text-slate-500">{r.actorType}</div>
                </td>
                <td className="font-mono text-xs">{r.action}</td>
                <td>
                  <span className={`badge ${OUTCOME_STYLE[r.outcome] ?? ""}`}>{r.outcome}</span>
                </td>
                <td className="max-w-56 truncate text-xs" title={r.targetId ?? undefined}>
                  {r.targetType ? `${r.targetType}: ${r.targetId}` : "—"}
                </td>
                <td className="text-xs">
                  <div>{r.ip ?? "—"}</div>
                  <div className="max-w-40 truncate text-slate-500" title={r.userAgent ?? undefined}>
                    {r.userAgent ?? ""}
                  </div>
                </td>
                <td className="max-w-72">
                  <code
                    className="block truncate text-xs text-slate-600 dark:text-slate-400"
                    title={JSON.stringify(r.details)}
                  >
                    {Object.keys(r.details as object).length ? JSON.stringify(r.details) : "—"}
                  </code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="mt-4 flex items-center justify-between text-sm text-slate-600 dark:text-slate-400">
        <span data-testid="audit-total">
          {total.toLocaleString("en-US")} entr{total === 1 ? "y" : "ies"} · page {query.page} of {pages}
        </span>
        <div className="flex gap-2">
          {query.page > 1 && (
            <Link className="btn-secondary" href={link(query.page - 1)}>
              ← Newer
            </Link>
          )}
          {query.page < pages && (
            <Link className="btn-secondary" href={link(query.page + 1)}>
              Older →
            </Link>
          )}
        </div>
      </div>
    </>
  );
}

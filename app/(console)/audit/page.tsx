import { z } from "zod";
import { DataTable, type Column } from "@/app/_components/data-table";
import { FilterActions, FilterForm, NoMatches, SearchFilter, SelectFilter } from "@/app/_components/filters";
import { formatDateTime } from "@/app/_components/format";
import { loadList, readListParams, type SearchParams } from "@/app/_components/list-params";
import { PageHeader } from "@/app/_components/page-header";
import { Pager } from "@/app/_components/pager";
import { auditQueryInput, distinctAuditActions, listAudit } from "@/lib/audit/query";
import { requirePage } from "@/lib/web/page-guard";

export const metadata = { title: "Audit log" };

/** The form's dates are whole UTC days (the verb takes instants): "to" includes the whole day. */
const auditPageInput = auditQueryInput.extend({ from: z.iso.date().optional(), to: z.iso.date().optional() });

type AuditEntry = Awaited<ReturnType<typeof listAudit>>["rows"][number];

const OUTCOME_STYLE: Record<string, string> = {
  success:
    "bg-emerald-50 text-emerald-700 ring-1 ring-emerald-200 dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-500/30",
  failure:
    "bg-amber-50 text-amber-800 ring-1 ring-amber-200 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-500/30",
  denied: "bg-red-50 text-red-700 ring-1 ring-red-200 dark:bg-red-500/10 dark:text-red-300 dark:ring-red-500/30",
};

const COLUMNS: Column<AuditEntry>[] = [
  { header: "#", className: "font-mono text-xs text-slate-500", cell: (r) => r.seq },
  { header: "Time", className: "whitespace-nowrap", cell: (r) => formatDateTime(r.at) },
  {
    header: "Actor",
    cell: (r) => <div className="font-medium">{r.actorName ?? r.actorId}</div>,
    detail: (r) => r.actorType,
  },
  { header: "Action", className: "font-mono text-xs", cell: (r) => r.action },
  {
    header: "Outcome",
    cell: (r) => <span className={`badge ${OUTCOME_STYLE[r.outcome] ?? ""}`}>{r.outcome}</span>,
  },
  {
    header: "Target",
    className: "max-w-56 truncate text-xs",
    cell: (r) => <span title={r.targetId ?? undefined}>{r.targetType ? `${r.targetType}: ${r.targetId}` : "—"}</span>,
  },
  {
    header: "From",
    className: "text-xs",
    cell: (r) => r.ip ?? "—",
    detail: (r) => (
      <div className="max-w-40 truncate" title={r.userAgent ?? undefined}>
        {r.userAgent}
      </div>
    ),
  },
  {
    header: "Details",
    className: "max-w-72",
    cell: (r) => (
      <code className="block truncate text-xs text-slate-600 dark:text-slate-400" title={JSON.stringify(r.details)}>
        {Object.keys(r.details as object).length ? JSON.stringify(r.details) : "—"}
      </code>
    ),
  },
];

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await requirePage("audit:read", "/audit");
  const list = readListParams(await searchParams, auditPageInput);
  const view = await loadList(list, ({ from, to, ...rest }) =>
    listAudit({
      ctx,
      input: { ...rest, from: from && `${from}T00:00:00Z`, to: to && `${to}T23:59:59.999Z` },
    }),
  );
  const actions = await distinctAuditActions(ctx);
  const { rows } = view.result;
  const f = list.values;

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Append-only and hash-chained: every entry links to the one before it and is signed with a key derived from SECRET_KEY. Run `npm run audit:verify` to check the whole chain."
      />
      <FilterForm label="Filter audit entries" columns={6} view={view}>
        <SearchFilter name="from" label="From" type="date" value={f.from} />
        <SearchFilter name="to" label="To" type="date" value={f.to} />
        <SearchFilter name="actor" label="Actor" placeholder="UPN, object id or job" value={f.actor} />
        <SelectFilter
          name="action"
          label="Action"
          value={f.action}
          any="All actions"
          options={actions.map((a) => ({ value: a, label: a }))}
        />
        <SearchFilter name="target" label="Target" placeholder="Id or part of it" value={f.target} />
        <FilterActions resetHref="/audit" />
      </FilterForm>
      <DataTable
        label="Audit entries"
        testId="audit-table"
        columns={COLUMNS}
        rows={rows}
        rowKey={(r) => r.seq}
        empty={<NoMatches what="audit entries" clearHref="/audit" />}
      />
      <Pager path="/audit" view={view} noun={["entry", "entries"]} labels="time" testId="audit-total" />
    </>
  );
}

import { DataTable, type Column } from "@/app/_components/data-table";
import { FilterActions, FilterForm, NoMatches, SearchFilter, SelectFilter } from "@/app/_components/filters";
import { formatDate, formatDaysUntil } from "@/app/_components/format";
import { loadList, readListParams, type SearchParams } from "@/app/_components/list-params";
import { PageHeader } from "@/app/_components/page-header";
import { Pager } from "@/app/_components/pager";
import { EmptyState, STATUS_LABEL, StatusBadge } from "@/app/_components/status";
import { listApps, listAppsInput, type AppListRow } from "@/lib/inventory/apps";
import { requirePage } from "@/lib/web/page-guard";

export const metadata = { title: "App registrations" };

const KIND_OPTIONS = [
  { value: "application", label: "Applications" },
  { value: "servicePrincipal", label: "Service principals" },
];
const STATUS_OPTIONS = [
  ...["expired", "critical", "warning", "healthy"].map((value) => ({ value, label: STATUS_LABEL[value] })),
  { value: "no-expiry", label: "Without expiry" },
  { value: "none", label: "No credentials at all" },
];
const EXPIRING_OPTIONS = [7, 30, 90].map((d) => ({ value: String(d), label: `${d} days` }));

export default async function AppsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await requirePage("dashboard:read", "/apps");
  const list = readListParams(await searchParams, listAppsInput);
  const now = new Date();
  const view = await loadList(list, (input) => listApps({ ctx, input, now }));
  const { rows, total, query } = view.result;
  const filtered = [query.kind, query.status, query.expiringDays, query.q].some((v) => v !== undefined);

  return (
    <>
      <PageHeader
        title="App registrations"
        description="Entra ID applications and service principals with their client secrets and certificates (hints and dates only; Graph never returns secret values). An app is judged by its newest usable credential of each kind; older expired ones are listed as superseded."
      />
      <FilterForm path="/apps" label="Filter app registrations" columns={5} view={view}>
        <SearchFilter name="q" label="Name or app id" value={query.q} />
        <SelectFilter name="kind" label="Kind" value={query.kind} any="All kinds" options={KIND_OPTIONS} />
        <SelectFilter name="status" label="Status" value={query.status} any="Any" options={STATUS_OPTIONS} />
        <SelectFilter
          name="expiringDays"
          label="Expiring within"
          value={query.expiringDays?.toString()}
          any="Any time"
          options={EXPIRING_OPTIONS}
        />
        <FilterActions resetHref="/apps" />
      </FilterForm>
      {total === 0 && !filtered ? (
        <EmptyState title="No app registrations discovered yet">
          A full scan also reads applications and service principals from Microsoft Graph (Application.Read.All).
        </EmptyState>
      ) : (
        <DataTable
          label="App registrations"
          testId="apps-table"
          columns={appColumns(now)}
          rows={rows}
          rowKey={(a) => a.id}
          rowHref={(a) => `/apps/${encodeURIComponent(a.id)}`}
          empty={<NoMatches what="applications" clearHref="/apps" />}
        />
      )}
      <Pager path="/apps" view={view} noun="application" />
    </>
  );
}

function appColumns(now: Date): Column<AppListRow>[] {
  return [
    {
      header: "Application",
      cell: (a) => a.displayName,
      detail: (a) => <span className="font-mono text-[11px]">{a.appId}</span>,
    },
    {
      header: "Kind",
      className: "text-xs",
      cell: (a) => (a.kind === "servicePrincipal" ? "Service principal" : "Application"),
    },
    {
      header: "Status",
      cell: (a) =>
        a.status ? <StatusBadge status={a.status} /> : <span className="text-xs text-muted">No expiry</span>,
      detail: (a) =>
        a.leftovers > 0 && (
          <span title="Expired credentials replaced by a newer one: safe to delete">
            {a.leftovers} superseded expired
          </span>
        ),
    },
    {
      header: "Credentials",
      className: "text-xs tabular-nums",
      cell: (a) => a.credentials,
    },
    {
      header: "Expires",
      className: "whitespace-nowrap",
      cell: (a) => (a.nextEnd ? formatDaysUntil(a.nextEnd, now) : <span className="text-muted">—</span>),
      detail: (a) => (a.nextEnd ? formatDate(a.nextEnd) : ""),
    },
    {
      header: "Owners",
      className: "max-w-56 text-xs",
      cell: (a) =>
        a.owners.length === 0 ? (
          <span className="text-amber-700 dark:text-amber-300">No owners</span>
        ) : (
          a.owners.map((o) => o.displayName ?? o.userPrincipalName ?? o.id).join(", ")
        ),
    },
  ];
}

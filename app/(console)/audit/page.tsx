import { z } from "zod";
import { DataTable } from "@/app/_components/data-table";
import { FilterActions, FilterForm, NoMatches, SearchFilter, SelectFilter } from "@/app/_components/filters";
import { loadList, readListParams, type SearchParams } from "@/app/_components/list-params";
import { PageHeader } from "@/app/_components/page-header";
import { Pager } from "@/app/_components/pager";
import { auditQueryInput, distinctAuditActions, listAudit } from "@/lib/audit/query";
import { auditTargetNames } from "@/lib/inventory/audit-targets";
import { requirePage } from "@/lib/web/page-guard";
import { auditColumns } from "./_components/audit-columns";
import { targetIds } from "./_components/audit-target";

export const metadata = { title: "Audit log" };

/** The form's dates are whole UTC days (the verb takes instants): "to" includes the whole day. */
const auditPageInput = auditQueryInput.extend({ from: z.iso.date().optional(), to: z.iso.date().optional() });

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await requirePage("audit:read", "/audit");
  const list = readListParams(await searchParams, auditPageInput);
  const view = await loadList(list, ({ from, to, ...rest }) =>
    listAudit({
      ctx,
      input: { ...rest, from: from && `${from}T00:00:00Z`, to: to && `${to}T23:59:59.999Z` },
    }),
  );
  const { rows } = view.result;
  const [actions, names] = await Promise.all([
    distinctAuditActions(ctx),
    auditTargetNames({ ctx, input: targetIds(rows) }),
  ]);
  const f = list.values;

  return (
    <>
      <PageHeader
        title="Audit log"
        description={
          <>
            Append-only and hash-chained: every entry links to the one before it and is signed with a key derived from{" "}
            <code className="font-mono text-xs">SECRET_KEY</code>. Run{" "}
            <code className="font-mono text-xs">npm run audit:verify</code> on the server to check the whole chain.
          </>
        }
      />
      <FilterForm path="/audit" label="Filter audit entries" columns={6} view={view}>
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
        <SearchFilter
          name="target"
          label="Target"
          placeholder="Id or part of it (e.g. a vault name)"
          value={f.target}
        />
        <FilterActions resetHref="/audit" />
      </FilterForm>
      <DataTable
        label="Audit entries"
        testId="audit-table"
        dense
        columns={auditColumns(names)}
        rows={rows}
        rowKey={(r) => r.seq}
        empty={<NoMatches what="audit entries" clearHref="/audit" />}
      />
      <Pager path="/audit" view={view} noun={["entry", "entries"]} labels="time" testId="audit-total" />
    </>
  );
}

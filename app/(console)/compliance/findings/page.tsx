import { FilterActions, FilterForm, SelectFilter } from "@/app/_components/filters";
import { loadList, readListParams, type SearchParams } from "@/app/_components/list-params";
import { PageHeader } from "@/app/_components/page-header";
import { Pager } from "@/app/_components/pager";
import { rolesGrant } from "@/lib/auth/permissions";
import { RULES } from "@/lib/compliance/catalogue";
import { FRAMEWORKS } from "@/lib/compliance/frameworks";
import { listFindings, listFindingsInput } from "@/lib/compliance/read-findings";
import { complianceOverview } from "@/lib/compliance/read-overview";
import { requirePage } from "@/lib/web/page-guard";
import { ComplianceNav } from "../_components/compliance-nav";
import { FindingsTable, type FindingRow } from "../_components/findings-table";

export const metadata = { title: "Compliance findings" };

const STATUS_OPTIONS = [
  { value: "open", label: "Open" },
  { value: "waived", label: "Waived" },
  { value: "unknown", label: "Cannot be decided" },
  { value: "resolved", label: "Resolved" },
];
const SEVERITY_OPTIONS = ["critical", "high", "medium", "low"].map((s) => ({
  value: s,
  label: s[0].toUpperCase() + s.slice(1),
}));

export default async function FindingsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await requirePage("dashboard:read", "/compliance/findings");
  const list = readListParams(await searchParams, listFindingsInput);
  const view = await loadList(list, (input) => listFindings({ ctx, input }));
  const { rows, query } = view.result;
  const overview = await complianceOverview({ ctx });
  const canPropose = rolesGrant(ctx.actor.roles, "waivers:propose");
  const exportQs = new URLSearchParams(
    Object.entries(view.params).filter(([k, v]) => v !== undefined && k !== "pageSize") as [string, string][],
  ).toString();
  const data: FindingRow[] = rows.map((f) => ({
    ruleId: f.ruleId,
    ruleTitle: RULES.find((r) => r.id === f.ruleId)?.title ?? f.ruleId,
    objectId: f.objectId,
    objectName: f.objectName,
    scope: f.scope,
    vaultName: f.vaultName,
    severity: f.severity,
    status: f.status,
    waived: !!f.waiverId,
    reason: f.reason,
    firstSeenAt: f.firstSeenAt.toISOString(),
    resolvedAt: f.resolvedAt?.toISOString() ?? null,
  }));
  return (
    <>
      <PageHeader
        title="Findings"
        description="Every rule × object that fails, is waived, cannot be decided yet, or was resolved — with when it was first seen."
        actions={
          <a
            className="btn-secondary"
            href={`/api/compliance/findings/export${exportQs ? `?${exportQs}` : ""}`}
            data-testid="findings-csv"
          >
            Export CSV
          </a>
        }
      />
      <ComplianceNav current="/compliance/findings" />
      <FilterForm path="/compliance/findings" label="Filter findings" columns={6} view={view}>
        <SelectFilter name="status" label="Status" value={query.status} any="Open" options={STATUS_OPTIONS.slice(1)} />
        <SelectFilter name="severity" label="Severity" value={query.severity} any="Any" options={SEVERITY_OPTIONS} />
        <SelectFilter
          name="rule"
          label="Rule"
          value={query.rule}
          any="Any rule"
          options={RULES.map((r) => ({ value: r.id, label: r.id }))}
        />
        <SelectFilter
          name="framework"
          label="Framework"
          value={query.framework}
          any="Any"
          options={FRAMEWORKS.map((f) => ({ value: f.id, label: `${f.name} ${f.version}` }))}
        />
        <SelectFilter
          name="subscription"
          label="Subscription"
          value={query.subscription}
          any="Any"
          options={(overview?.bySubscription ?? []).map((s) => ({ value: s.id, label: s.name }))}
        />
        <SelectFilter
          name="vault"
          label="Vault"
          value={query.vault}
          any="Any"
          options={(overview?.byVault ?? [])
            .slice()
            .sort((a, b) => a.name.localeCompare(b.name))
            .map((v) => ({ value: v.id, label: v.name }))}
        />
        <FilterActions resetHref="/compliance/findings" />
      </FilterForm>
      <FindingsTable rows={data} canPropose={canPropose && query.status === "open"} />
      <Pager path="/compliance/findings" view={view} noun="finding" />
    </>
  );
}

import { DataTable, type Column } from "@/app/_components/data-table";
import { formatDateTime, formatDaysUntil, formatRelative } from "@/app/_components/format";
import { AccessBadge, StatusBadge, TypedName } from "@/app/_components/status";
import type { DashboardViewData } from "@/lib/inventory/dashboard-view";

/** Expiring objects and app credentials, most urgent first, then vaults the scanner cannot read: rows of one table. */
interface RiskRow {
  key: string;
  href: string;
  icon: string;
  name: string;
  note?: string | null;
  where: string;
  status: React.ReactNode;
  when: string;
  whenDetail?: string;
}

type Risks = DashboardViewData["risks"];
type Ranked = Risks["ranked"][number];

/** One expiring object or app credential as a row (shared by the risks and the clean-up list). */
function riskRow(r: Ranked, now: Date): RiskRow {
  const when = { when: formatDaysUntil(r.at, now), whenDetail: formatDateTime(r.at) };
  if (r.kind === "object")
    return {
      key: `o:${r.id}`,
      href: `/inventory/${r.id}`,
      icon: r.type,
      name: r.name,
      where: r.vaultName ?? "",
      status: <StatusBadge status={r.status} />,
      ...when,
    };
  return {
    key: `c:${r.id}`,
    href: `/apps/${encodeURIComponent(r.appObjectId)}`,
    icon: "credential",
    name: r.appName,
    note: `${r.type === "password" ? "Client secret" : "Certificate"}${r.displayName ? ` · ${r.displayName}` : ""}`,
    where: r.principal === "servicePrincipal" ? "Service principal" : "App registration",
    status: <StatusBadge status={r.status} />,
    ...when,
  };
}

function riskRows(risks: Risks, now: Date, vaultHrefs: Record<string, string>, subName: Map<string, string>) {
  const rows: RiskRow[] = [
    ...risks.ranked.map((r) => riskRow(r, now)),
    ...risks.vaults.map((r) => ({
      key: `v:${r.id}`,
      href: vaultHrefs[r.id],
      icon: "vault",
      name: r.name,
      note: r.remediation,
      where: subName.get(r.subscriptionId) ?? r.subscriptionId,
      status: <AccessBadge status={r.accessStatus} />,
      when: `scanned ${formatRelative(r.lastScannedAt, now)}`,
    })),
  ];
  return rows;
}

const COLUMNS: Column<RiskRow>[] = [
  {
    header: "Object",
    cell: (r) => <TypedName type={r.icon} name={r.name} />,
    detail: (r) => r.note && <div className="ml-6 max-w-md">{r.note}</div>,
  },
  { header: "Where", className: "text-xs", cell: (r) => r.where },
  { header: "Status", cell: (r) => r.status },
  {
    header: "Expires",
    className: "whitespace-nowrap text-xs",
    cell: (r) => (r.whenDetail ? r.when : <span className="text-slate-500">{r.when}</span>),
    detail: (r) => r.whenDetail,
  },
];

export function TopRisks({
  risks,
  now,
  vaultHrefs,
  subName,
}: {
  risks: Risks;
  now: Date;
  vaultHrefs: Record<string, string>;
  subName: Map<string, string>;
}) {
  return (
    <DataTable
      label="Top risks"
      frame="none"
      className="mt-3"
      columns={COLUMNS}
      rows={riskRows(risks, now, vaultHrefs, subName)}
      rowKey={(r) => r.key}
      rowHref={(r) => r.href}
      empty="Nothing expired, expiring within the thresholds, or unreachable."
    />
  );
}

/** Long-expired or superseded objects and credentials: safe to delete, and noise in every other list until they are. */
export function Leftovers({ leftovers, now }: { leftovers: Risks["leftovers"]; now: Date }) {
  return (
    <DataTable
      label="Leftovers to clean up"
      frame="none"
      className="mt-3"
      columns={COLUMNS}
      rows={leftovers.items.map((r) => riskRow(r, now))}
      rowKey={(r) => r.key}
      rowHref={(r) => r.href}
      empty="Nothing expired long ago."
    />
  );
}

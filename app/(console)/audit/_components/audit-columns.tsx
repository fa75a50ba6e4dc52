import type { Column } from "@/app/_components/data-table";
import { formatDateTime } from "@/app/_components/format";
import type { listAudit } from "@/lib/audit/query";
import type { AuditTargetNames } from "@/lib/inventory/audit-targets";
import { describeTarget } from "./audit-target";

type AuditEntry = Awaited<ReturnType<typeof listAudit>>["rows"][number];

const OUTCOME_STYLE: Record<string, string> = {
  success:
    "bg-emerald-50 text-emerald-700 ring-1 ring-emerald-200 dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-500/30",
  failure:
    "bg-amber-50 text-amber-800 ring-1 ring-amber-200 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-500/30",
  denied: "bg-red-50 text-red-700 ring-1 ring-red-200 dark:bg-red-500/10 dark:text-red-300 dark:ring-red-500/30",
};

/**
 * The log's columns, compact enough to fit the card at laptop widths: the sequence number under the time, the
 * address under the actor, the outcome beside the action, the target by name (linked) with its kind underneath.
 */
export function auditColumns(names: AuditTargetNames): Column<AuditEntry>[] {
  return [
    {
      header: "Time",
      className: "whitespace-nowrap",
      cell: (r) => formatDateTime(r.at),
      detail: (r) => <span className="font-mono">#{r.seq}</span>,
    },
    {
      header: "Actor",
      className: "max-w-56",
      cell: (r) => (
        <div className="truncate font-medium" title={r.actorName ?? r.actorId}>
          {r.actorName ?? r.actorId}
        </div>
      ),
      // Where from, under who: the address, and the browser as a tooltip (a column of its own overflowed the card).
      detail: (r) => (
        <span title={r.userAgent ?? undefined}>
          {r.actorType}
          {r.ip ? ` · ${r.ip}` : ""}
        </span>
      ),
    },
    {
      header: "Action",
      cell: (r) => (
        <div className="flex flex-wrap items-center gap-1.5">
          <code className="text-xs">{r.action}</code>
          <span className={`badge ${OUTCOME_STYLE[r.outcome] ?? ""}`}>{r.outcome}</span>
        </div>
      ),
    },
    {
      header: "Target",
      className: "min-w-44 max-w-60",
      cell: (r) => {
        const t = describeTarget(r.targetType, r.targetId, names);
        if (!t) return <span className="text-muted">—</span>;
        return t.href ? (
          <a href={t.href} className="link" title={t.title}>
            {t.label}
          </a>
        ) : (
          <span className="block truncate" title={t.title}>
            {t.label}
          </span>
        );
      },
      detail: (r) => describeTarget(r.targetType, r.targetId, names)?.kind,
    },
    {
      header: "Details",
      // Takes the width left over and truncates (full JSON as tooltip), so the table fits its card.
      className: "w-full min-w-40 max-w-0",
      cell: (r) => (
        <code className="block truncate text-xs text-slate-600 dark:text-slate-400" title={JSON.stringify(r.details)}>
          {Object.keys(r.details as object).length ? JSON.stringify(r.details) : "—"}
        </code>
      ),
    },
  ];
}

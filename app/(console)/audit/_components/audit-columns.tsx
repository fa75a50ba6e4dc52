import { Link } from "@/app/_components/link";
import type { Column } from "@/app/_components/data-table";
import { formatDateTime } from "@/app/_components/format";
import { BADGE_PILL, STATUS_STYLE } from "@/app/_components/status";
import type { listAudit } from "@/lib/audit/query";
import type { AuditTargetNames } from "@/lib/inventory/audit-targets";
import { describeTarget } from "./audit-target";

type AuditEntry = Awaited<ReturnType<typeof listAudit>>["rows"][number];

/** Audit outcomes in the console's tones (short module classes: the audit table repeats them on every row). */
const OUTCOME_TONE: Record<string, string> = { success: "healthy", failure: "warning", denied: "expired" };

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
          <span className={`${BADGE_PILL} ${STATUS_STYLE[OUTCOME_TONE[r.outcome] ?? "no-expiry"]}`}>{r.outcome}</span>
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
          <Link href={t.href} className="link" title={t.title}>
            {t.label}
          </Link>
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

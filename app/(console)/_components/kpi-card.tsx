import { Link } from "@/app/_components/link";
import { STATUS_COLOR, STATUS_LABEL, TypeIcon } from "@/app/_components/status";
import { formatNumber } from "@/app/_components/format";
import type { StatusCounts } from "@/lib/inventory/dashboard-summary";

const ORDER = ["expired", "critical", "warning", "healthy", "no-expiry"] as const;
const FIELD: Record<(typeof ORDER)[number], keyof StatusCounts> = {
  expired: "expired",
  critical: "critical",
  warning: "warning",
  healthy: "healthy",
  "no-expiry": "noExpiry",
};

/** One object type: total, a proportional status bar and per-status counts that link to the filtered view. */
export function KpiCard({
  title,
  type,
  counts,
  href,
}: {
  title: string;
  type: string;
  counts: StatusCounts;
  href?: (status: string) => string;
}) {
  const total = counts.total;
  return (
    <section className="card flex flex-col p-4" aria-labelledby={`kpi-${type}`} data-testid={`kpi-${type}`}>
      <h2
        id={`kpi-${type}`}
        className="flex items-center gap-2 text-sm font-semibold text-slate-700 dark:text-slate-200"
      >
        <TypeIcon type={type} />
        {title}
      </h2>
      {/* The disabled count sits beside the total, not the title: a long title plus it wrapped in narrow cards. */}
      <div className="mt-1 flex items-baseline justify-between gap-2">
        <span className="text-3xl font-semibold tabular-nums" data-testid={`kpi-${type}-total`}>
          {formatNumber(total)}
        </span>
        {counts.disabled > 0 && (
          <span className="whitespace-nowrap text-xs text-muted" title="Disabled objects">
            {formatNumber(counts.disabled)} disabled
          </span>
        )}
      </div>
      <div className="mt-3 flex h-2 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800" aria-hidden="true">
        {total > 0 &&
          ORDER.map((s) => {
            const v = counts[FIELD[s]];
            return v > 0 ? (
              <span key={s} style={{ width: `${(v / total) * 100}%`, backgroundColor: STATUS_COLOR[s] }} />
            ) : null;
          })}
      </div>
      <ul className="mt-3 space-y-0.5 text-xs">
        {ORDER.map((s) => {
          const v = counts[FIELD[s]];
          const inner = (
            <>
              <span className="flex items-center gap-1.5 text-slate-600 dark:text-slate-400">
                <span
                  className="h-2 w-2 rounded-full"
                  style={{ backgroundColor: STATUS_COLOR[s] }}
                  aria-hidden="true"
                />
                {STATUS_LABEL[s]}
              </span>
              <span
                className={`font-semibold tabular-nums ${v > 0 && (s === "expired" || s === "critical") ? "text-red-600 dark:text-red-400" : ""}`}
                data-testid={`kpi-${type}-${s}`}
              >
                {formatNumber(v)}
              </span>
            </>
          );
          return (
            <li key={s}>
              {href ? (
                <Link
                  href={href(s)}
                  className="flex items-center justify-between gap-2 rounded px-1 py-0.5 hover:bg-slate-100 dark:hover:bg-slate-800"
                >
                  {inner}
                </Link>
              ) : (
                <div className="flex items-center justify-between px-1 py-0.5">{inner}</div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

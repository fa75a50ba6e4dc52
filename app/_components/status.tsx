import css from "./status.module.css";

const BADGE_CLASS: Record<string, string> = {
  expired: css.expired,
  critical: css.critical,
  warning: css.warning,
  healthy: css.healthy,
  "no-expiry": css.noExpiry,
  disabled: css.disabled,
  removed: css.removed,
};

/** Compact class for tag chips repeated in tables. */
export const CHIP_CLASS = css.chip;

/** Status colours used across the console: expired red, critical orange, warning amber, healthy green, no-expiry slate. */
export const STATUS_STYLE: Record<string, string> = {
  expired: "bg-red-50 text-red-700 ring-1 ring-red-200 dark:bg-red-500/15 dark:text-red-300 dark:ring-red-500/30",
  critical:
    "bg-orange-50 text-orange-700 ring-1 ring-orange-200 dark:bg-orange-500/15 dark:text-orange-300 dark:ring-orange-500/30",
  warning:
    "bg-amber-50 text-amber-800 ring-1 ring-amber-200 dark:bg-amber-500/15 dark:text-amber-300 dark:ring-amber-500/30",
  healthy:
    "bg-emerald-50 text-emerald-700 ring-1 ring-emerald-200 dark:bg-emerald-500/15 dark:text-emerald-300 dark:ring-emerald-500/30",
  "no-expiry":
    "bg-slate-100 text-slate-600 ring-1 ring-slate-200 dark:bg-slate-500/15 dark:text-slate-300 dark:ring-slate-500/30",
  disabled:
    "border border-dashed border-slate-300 bg-white text-slate-500 dark:border-slate-600 dark:bg-transparent dark:text-slate-400",
  removed:
    "bg-slate-100 text-slate-500 line-through ring-1 ring-slate-200 dark:bg-slate-800 dark:text-slate-400 dark:ring-slate-700",
};

/** Solid swatches for dots, bars and charts (same hues as the badges). */
export const STATUS_COLOR: Record<string, string> = {
  expired: "#dc2626",
  critical: "#ea580c",
  warning: "#d97706",
  healthy: "#059669",
  "no-expiry": "#64748b",
  disabled: "#94a3b8",
};

export const STATUS_LABEL: Record<string, string> = {
  expired: "Expired",
  critical: "Critical",
  warning: "Warning",
  healthy: "Healthy",
  "no-expiry": "No expiry",
  disabled: "Disabled",
  removed: "Removed",
};

/** A status pill (the dot is drawn in CSS); short module class names keep long tables light. */
export function StatusBadge({ status, className = "" }: { status: string; className?: string }) {
  return (
    <span
      className={`${css.badge} ${BADGE_CLASS[status] ?? css.noExpiry}${className ? ` ${className}` : ""}`}
      data-status={status}
    >
      {STATUS_LABEL[status] ?? status}
    </span>
  );
}

const ACCESS: Record<string, { label: string; tone: string }> = {
  ok: { label: "Reachable", tone: "healthy" },
  firewall: { label: "Blocked by firewall", tone: "critical" },
  permission: { label: "Permission denied", tone: "expired" },
  not_found: { label: "Not found", tone: "no-expiry" },
  throttled: { label: "Throttled", tone: "warning" },
  network: { label: "Network error", tone: "critical" },
  // never scanned, or an error of no known class (the vault's readable flag tells which)
  unknown: { label: "Unknown", tone: "no-expiry" },
  internal: { label: "Internal error", tone: "critical" },
  malformed: { label: "Malformed item", tone: "warning" },
};

/** "Reachable", "Blocked by firewall", … for a vault's access status (badges and the vault filter). */
export function accessLabel(status: string): string {
  return ACCESS[status]?.label ?? status;
}

/** Object types in the plural, as lists and filters name them. */
export const TYPE_PLURAL: Record<string, string> = { secret: "Secrets", certificate: "Certificates", key: "Keys" };

export function AccessBadge({ status }: { status: string }) {
  const a = ACCESS[status] ?? { label: status, tone: "no-expiry" };
  return (
    <span className={`badge whitespace-nowrap ${STATUS_STYLE[a.tone]}`} data-access={status}>
      {a.label}
    </span>
  );
}

const SCAN: Record<string, { label: string; cls: string }> = {
  queued: { label: "Queued", cls: STATUS_STYLE["no-expiry"] },
  running: {
    label: "Running",
    cls: "bg-blue-50 text-blue-700 ring-1 ring-blue-200 dark:bg-blue-500/15 dark:text-blue-300 dark:ring-blue-500/30",
  },
  completed: { label: "Completed", cls: STATUS_STYLE.healthy },
  completed_with_errors: { label: "Completed with errors", cls: STATUS_STYLE.warning },
  failed: { label: "Failed", cls: STATUS_STYLE.expired },
  cancelled: { label: "Cancelled", cls: STATUS_STYLE["no-expiry"] },
};

export function ScanStatusBadge({ status }: { status: string }) {
  const s = SCAN[status] ?? { label: status, cls: STATUS_STYLE["no-expiry"] };
  return (
    <span className={`badge whitespace-nowrap ${s.cls}`} data-scan-status={status}>
      {status === "running" && (
        <span className="mr-1.5 h-1.5 w-1.5 animate-pulse rounded-full bg-blue-500" aria-hidden="true" />
      )}
      {s.label}
    </span>
  );
}

/** A yes/no posture cell: good values green, risky values amber/red, unknown slate. */
export function PostureFlag({
  ok,
  label,
  bad = "warning",
}: {
  ok: boolean | null | undefined;
  label: string;
  bad?: "warning" | "critical" | "expired";
}) {
  const tone = ok === null || ok === undefined ? "no-expiry" : ok ? "healthy" : bad;
  return (
    <span className={`badge whitespace-nowrap ${STATUS_STYLE[tone]}`} title={label}>
      {ok === null || ok === undefined ? "Unknown" : label}
    </span>
  );
}

export function TypeIcon({ type }: { type: string }) {
  const d =
    type === "certificate"
      ? "M4 4h12v9H4zM7 13v4l3-1.5L13 17v-4"
      : type === "key"
        ? "M12.5 3a4.5 4.5 0 1 1-3.9 6.8L3 15.5V17h2.5v-1.5H7V14h1.5l1.6-1.6A4.5 4.5 0 0 1 12.5 3Zm1 3.5h.01"
        : type === "credential"
          ? "M10 3a3 3 0 1 1 0 6 3 3 0 0 1 0-6ZM4 17a6 6 0 0 1 12 0"
          : "M6 8V6a4 4 0 1 1 8 0v2M5 8h10v9H5zM10 11.5v2";
  return (
    <svg
      viewBox="0 0 20 20"
      className="h-4 w-4 shrink-0 text-slate-400"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d={d} />
    </svg>
  );
}

/** An object's name with its type icon, as the first cell of object tables. */
export function TypedName({ type, name }: { type: string; name: string }) {
  return (
    <span className="flex items-center gap-2">
      <TypeIcon type={type} />
      <span className="break-all">{name}</span>
    </span>
  );
}

export function EmptyState({
  title,
  children,
  testId,
}: {
  title: string;
  children?: React.ReactNode;
  testId?: string;
}) {
  return (
    <div className="card flex flex-col items-center px-6 py-14 text-center" data-testid={testId}>
      <svg
        viewBox="0 0 48 48"
        className="h-12 w-12 text-slate-300 dark:text-slate-600"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        aria-hidden="true"
      >
        <path d="M24 4 8 10v11c0 10 6.8 18.6 16 21 9.2-2.4 16-11 16-21V10L24 4Z" />
        <path d="M17 24h14M24 17v14" strokeLinecap="round" />
      </svg>
      <h2 className="mt-4 text-base font-semibold">{title}</h2>
      <div className="mt-2 max-w-md text-sm text-slate-600 dark:text-slate-400">{children}</div>
    </div>
  );
}

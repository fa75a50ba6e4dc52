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
/**
 * Tone classes for badges and pills (status.module.css): short names, because a table repeats them on every row.
 * Pair with BADGE_PILL (no dot) or use StatusBadge (dot).
 */
export const STATUS_STYLE: Record<string, string> = BADGE_CLASS;

/** A badge without the status dot ("badge whitespace-nowrap" in utilities), for posture and access pills. */
export const BADGE_PILL = css.pill;

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
    <span className={`${BADGE_PILL} ${STATUS_STYLE[a.tone]}`} data-access={status}>
      {a.label}
    </span>
  );
}

const SCAN: Record<string, { label: string; cls: string }> = {
  queued: { label: "Queued", cls: STATUS_STYLE["no-expiry"] },
  running: {
    label: "Running",
    cls: css.running,
  },
  completed: { label: "Completed", cls: STATUS_STYLE.healthy },
  completed_with_errors: { label: "Completed with errors", cls: STATUS_STYLE.warning },
  failed: { label: "Failed", cls: STATUS_STYLE.expired },
  cancelled: { label: "Cancelled", cls: STATUS_STYLE["no-expiry"] },
};

export function ScanStatusBadge({ status }: { status: string }) {
  const s = SCAN[status] ?? { label: status, cls: STATUS_STYLE["no-expiry"] };
  return (
    <span className={`${BADGE_PILL} ${s.cls}`} data-scan-status={status}>
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
    <span className={`${BADGE_PILL} ${STATUS_STYLE[tone]}`} title={label}>
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

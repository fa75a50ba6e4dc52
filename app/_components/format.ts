/** Dates are shown in UTC with the zone named: operators compare them with Azure portal and log timestamps. */
export function formatDateTime(d: Date | string | null | undefined): string {
  if (!d) return "—";
  const date = typeof d === "string" ? new Date(d) : d;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function formatRelative(d: Date | null | undefined, now = new Date()): string {
  if (!d) return "never";
  const s = Math.round((now.getTime() - d.getTime()) / 1000);
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

export function formatDate(d: Date | string | null | undefined): string {
  if (!d) return "—";
  const date = typeof d === "string" ? new Date(d) : d;
  return date.toISOString().slice(0, 10);
}

/** "in 12 d", "today", "3 d ago" — days until a date, for expiry columns. */
export function formatDaysUntil(d: Date | string | null | undefined, now = new Date()): string {
  if (!d) return "no expiry";
  const date = typeof d === "string" ? new Date(d) : d;
  const ms = date.getTime() - now.getTime();
  const days = Math.floor(Math.abs(ms) / 86_400_000);
  if (ms >= 0)
    return days === 0 ? (ms < 3_600_000 ? "in < 1 h" : `in ${Math.floor(ms / 3_600_000)} h`) : `in ${days} d`;
  return days === 0 ? "today" : `${days} d ago`;
}

/** 75 → "1 min 15 s"; 3725 → "1 h 2 min". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function formatNumber(n: number): string {
  return n.toLocaleString("en-US");
}

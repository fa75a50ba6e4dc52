import { formatDateTime } from "@/app/_components/format";
import type { AuditTargetNames } from "@/lib/inventory/audit-targets";
import { vaultHref } from "@/lib/inventory/ids";

/** How an audit entry's target reads in the log: a name, a link to its page, and the raw id as tooltip. */
export interface TargetView {
  kind: string;
  label: string;
  href?: string;
  title?: string;
}

const SETTING_LABEL: Record<string, string> = {
  "expiry.thresholds": "Expiry thresholds",
  "scan.schedule": "Scheduled scan",
  "discovery.subscriptions": "Subscriptions in scope",
  "discovery.concurrency": "Scan concurrency",
  "rotation.policy": "Rotation",
};

const MODE_LABEL: Record<string, string> = { full: "Full", delta: "Delta", forced: "Forced" };

/** The last segment of an ARM id (`…/vaults/kv-prod` → `kv-prod`), for a vault no longer in the inventory. */
const armName = (id: string) => id.split("/").filter(Boolean).pop() ?? id;

export function describeTarget(
  type: string | null,
  id: string | null,
  names: AuditTargetNames = { vaults: {}, scans: {} },
): TargetView | null {
  if (!type || !id) return null;
  switch (type) {
    case "vault":
      return {
        kind: "Vault",
        label: names.vaults[id.toLowerCase()] ?? armName(id),
        href: vaultHref(id),
        title: id,
      };
    case "scan": {
      const s = names.scans[id];
      const label = s
        ? `${MODE_LABEL[s.mode] ?? s.mode} scan of ${formatDateTime(s.createdAt)}`
        : `Scan ${id.slice(0, 8)}`;
      return { kind: "Scan", label, href: `/scans/${id}`, title: id };
    }
    case "setting":
      return { kind: "Setting", label: SETTING_LABEL[id] ?? id, href: "/settings", title: id };
    case "session":
      return { kind: "Session", label: id.slice(0, 8), title: id };
    case "rotation":
      return { kind: "Rotation", label: `Rotation ${id.slice(0, 8)}`, href: `/rotations/${id}`, title: id };
    case "app":
      return { kind: "Application", label: id, href: `/apps/${encodeURIComponent(id)}`, title: id };
    case "endpoint":
      return { kind: "Page or API", label: id, title: id };
    default:
      return { kind: type, label: id, title: id };
  }
}

/** The ids on one page of entries that have names to look up. */
export function targetIds(rows: readonly { targetType: string | null; targetId: string | null }[]) {
  const of = (t: string) => rows.filter((r) => r.targetType === t && r.targetId).map((r) => r.targetId!);
  return { vaults: of("vault"), scans: of("scan").filter((id) => /^[0-9a-f-]{36}$/i.test(id)) };
}

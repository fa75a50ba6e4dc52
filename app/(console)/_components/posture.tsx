import type { Vault } from "@/lib/inventory/vaults";
import { STATUS_STYLE } from "@/app/_components/status";

/** The posture gaps the vault list filters by (`posture=`), named as the dashboard's vault card names them. */
export const POSTURE_GAP_LABEL = {
  "public-network": "Public network open",
  "no-purge-protection": "No purge protection",
  "no-soft-delete": "No soft delete",
  "access-policies": "Access policies (not RBAC)",
  "no-diagnostics": "No diagnostics",
} as const;

type Tone = "healthy" | "warning" | "critical" | "no-expiry";
const pill = (tone: Tone, text: string, title?: string) => (
  <span className={`badge whitespace-nowrap ${STATUS_STYLE[tone]}`} title={title}>
    {text}
  </span>
);

export function authModel(v: Vault) {
  if (v.enableRbacAuthorization === null) return pill("no-expiry", "Unknown");
  return v.enableRbacAuthorization
    ? pill("healthy", "Azure RBAC")
    : pill(
        "warning",
        `Access policies${v.accessPolicyCount !== null ? ` (${v.accessPolicyCount})` : ""}`,
        "CIS KV-3: prefer Azure RBAC",
      );
}

export function softDelete(v: Vault) {
  if (v.enableSoftDelete === false) return pill("critical", "Off", "CIS KV-1: soft delete must be on");
  if (v.enableSoftDelete === null) return pill("no-expiry", "Unknown");
  const days = v.softDeleteRetentionDays ?? 90;
  return pill(days < 30 ? "warning" : "healthy", `On · ${days} d`);
}

export function purgeProtection(v: Vault) {
  if (v.enablePurgeProtection === null) return pill("warning", "Off", "CIS KV-2: enable purge protection");
  return v.enablePurgeProtection ? pill("healthy", "On") : pill("warning", "Off", "CIS KV-2: enable purge protection");
}

/** Network exposure: private only, firewall (default deny + rules), or open to all networks. */
export function network(v: Vault) {
  const pub = (v.publicNetworkAccess ?? "Enabled").toLowerCase();
  const pe = v.privateEndpointCount ?? 0;
  if (pub === "disabled") return pill("healthy", `Private only${pe ? ` · ${pe} PE` : ""}`);
  if ((v.networkDefaultAction ?? "Allow").toLowerCase() === "deny") {
    const rules = (v.ipRuleCount ?? 0) + (v.vnetRuleCount ?? 0);
    return pill("healthy", `Firewall · ${rules} rule${rules === 1 ? "" : "s"}${pe ? ` · ${pe} PE` : ""}`);
  }
  return pill(
    "warning",
    `All networks${pe ? ` · ${pe} PE` : ""}`,
    "Public network access is enabled and the firewall allows all networks",
  );
}

export function diagnostics(v: Vault) {
  if (v.diagnosticsEnabled === null) return pill("no-expiry", "Unknown");
  return v.diagnosticsEnabled
    ? pill("healthy", "On")
    : pill("warning", "Off", "CIS KV-4: send AuditEvent logs to Log Analytics or storage");
}

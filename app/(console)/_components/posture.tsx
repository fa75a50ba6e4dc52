import { POSTURE_REMEDIATION } from "@/lib/discovery/remediation";
import type { Vault } from "@/lib/inventory/vaults";
import { BADGE_PILL, STATUS_STYLE } from "@/app/_components/status";

/** The posture facts the pills read: a vault row, or the plain data a client table gets. */
export type PostureFacts = Pick<
  Vault,
  | "enableRbacAuthorization"
  | "accessPolicyCount"
  | "enableSoftDelete"
  | "softDeleteRetentionDays"
  | "enablePurgeProtection"
  | "publicNetworkAccess"
  | "privateEndpointCount"
  | "networkDefaultAction"
  | "ipRuleCount"
  | "vnetRuleCount"
  | "diagnosticsEnabled"
>;

type Tone = "healthy" | "warning" | "critical" | "no-expiry";
const pill = (tone: Tone, text: string, title?: string) => (
  <span className={`${BADGE_PILL} ${STATUS_STYLE[tone]}`} title={title}>
    {text}
  </span>
);

export function authModel(v: PostureFacts) {
  if (v.enableRbacAuthorization === null) return pill("no-expiry", "Unknown");
  return v.enableRbacAuthorization
    ? pill("healthy", "Azure RBAC")
    : pill(
        "warning",
        `Access policies${v.accessPolicyCount !== null ? ` (${v.accessPolicyCount})` : ""}`,
        POSTURE_REMEDIATION.rbac.hint,
      );
}

export function softDelete(v: PostureFacts) {
  if (v.enableSoftDelete === false) return pill("critical", "Off", POSTURE_REMEDIATION.softDelete.hint);
  if (v.enableSoftDelete === null) return pill("no-expiry", "Unknown");
  const days = v.softDeleteRetentionDays ?? 90;
  return pill(days < 30 ? "warning" : "healthy", `On · ${days} d`);
}

export function purgeProtection(v: PostureFacts) {
  if (v.enablePurgeProtection === null) return pill("warning", "Off", POSTURE_REMEDIATION.purgeProtection.hint);
  return v.enablePurgeProtection
    ? pill("healthy", "On")
    : pill("warning", "Off", POSTURE_REMEDIATION.purgeProtection.hint);
}

/** Network exposure: private only, firewall (default deny + rules), or open to all networks. */
export function network(v: PostureFacts) {
  const pub = (v.publicNetworkAccess ?? "Enabled").toLowerCase();
  const pe = v.privateEndpointCount ?? 0;
  if (pub === "disabled") return pill("healthy", `Private only${pe ? ` · ${pe} PE` : ""}`);
  if ((v.networkDefaultAction ?? "Allow").toLowerCase() === "deny") {
    const rules = (v.ipRuleCount ?? 0) + (v.vnetRuleCount ?? 0);
    return pill("healthy", `Firewall · ${rules} rule${rules === 1 ? "" : "s"}${pe ? ` · ${pe} PE` : ""}`);
  }
  return pill("warning", `All networks${pe ? ` · ${pe} PE` : ""}`, POSTURE_REMEDIATION.network.hint);
}

export function diagnostics(v: PostureFacts) {
  if (v.diagnosticsEnabled === null) return pill("no-expiry", "Unknown");
  return v.diagnosticsEnabled ? pill("healthy", "On") : pill("warning", "Off", POSTURE_REMEDIATION.diagnostics.hint);
}

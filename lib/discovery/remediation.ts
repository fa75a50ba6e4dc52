/**
 * The one place for remediation texts: what an operator should do about each class of scan failure (stored with the
 * error and shown in the console) and about each vault posture finding.
 */
import type { ClassifiedError, CloudErrorKind } from "../cloud";

export interface VaultErrorInfo {
  kind: CloudErrorKind;
  code?: string;
  message: string;
  remediation: string;
}

export function remediationFor(
  e: ClassifiedError,
  vault: { name: string; enableRbacAuthorization?: boolean | null; vaultUri?: string | null },
  what: "list" | "detail" = "list",
): string {
  const v = vault.name;
  switch (e.kind) {
    case "firewall":
      if (e.innerCode === "ForbiddenByConnection")
        return `Public network access to ${v} is disabled and the scanner is not on an approved private endpoint: run CertifyClouds in a virtual network with a private endpoint to ${v} (privatelink.vaultcore.azure.net DNS), or allow public access from selected networks including the scanner's outbound IP.`;
      return `The firewall of ${v} rejects the scanner's address (ForbiddenByFirewall): add the scanner's outbound IP address to the vault's firewall (Networking → Firewalls and virtual networks), or scan through a private endpoint.`;
    case "permission":
      if (vault.enableRbacAuthorization)
        return what === "detail"
          ? `Assign the 'Key Vault Reader' role to the CertifyClouds identity on ${v} so certificate and key details (policy, key type, rotation policy) can be read.`
          : `Assign the 'Key Vault Reader' role (or 'Key Vault Secrets User' if secret rotation is enabled) to the CertifyClouds identity on ${v}; role assignments can take a few minutes to apply.`;
      return what === "detail"
        ? `Add Get permission on keys and certificates (and GetRotationPolicy on keys) to the CertifyClouds identity's access policy on ${v} so details (policy, key type, rotation policy) can be read.`
        : `Add an access policy on ${v} for the CertifyClouds identity with List permission on secrets, keys and certificates (Get on keys and certificates and GetRotationPolicy on keys for details).`;
    case "not_found":
      return `${v} was not found at ${vault.vaultUri ?? "its URI"} (deleted, moved, or DNS points elsewhere). If it no longer exists, the next scan marks it removed.`;
    case "throttled":
      return `Azure throttled requests to ${v} beyond the retry budget: lower 'discovery.concurrency' (perVault), or schedule scans outside busy hours.`;
    case "network":
      return `Could not reach ${vault.vaultUri ?? v} (timeout, reset or DNS failure): check outbound connectivity, proxies and private DNS for the vault from where CertifyClouds runs.`;
    case "internal":
      return INTERNAL_REMEDIATION;
    default:
      return `Unexpected error while reading ${v}: retry the scan; if it persists, check the message and Azure service health.`;
  }
}

/** Not Azure's doing: nothing to change in Azure; the log has the cause. */
export const INTERNAL_REMEDIATION =
  "An internal error in CertifyClouds (not an Azure permission or network problem); the inventory written before it is kept. The cause is in the server log under this scan's id: retry the scan, and report it with those log lines if it persists.";

/** An item the cloud returned without the fields the inventory needs: skipped, everything else is kept. */
export function malformedRemediation(kind: string): string {
  return `Azure returned this ${kind} without the fields the inventory needs (or with unreadable values); it was skipped and the rest of the inventory was written. Check the ${kind} in the Azure portal; if it looks normal there, report it (the scan error names it and the fields).`;
}

export function graphRemediation(e: ClassifiedError): string {
  if (e.kind === "internal") return INTERNAL_REMEDIATION;
  if (e.kind === "permission")
    return "Grant the CertifyClouds identity the Microsoft Graph application permission 'Application.Read.All' (admin consent required) to inventory app registrations and service principals.";
  if (e.kind === "throttled") return "Microsoft Graph throttled the scan beyond the retry budget: retry later.";
  if (e.kind === "network") return "Could not reach Microsoft Graph: check outbound connectivity and proxies.";
  return "Unexpected error from Microsoft Graph: retry the scan; check the message and Microsoft 365 service health.";
}

export function armRemediation(e: ClassifiedError, scope: string): string {
  if (e.kind === "internal") return INTERNAL_REMEDIATION;
  if (e.kind === "permission")
    return `Assign the 'Reader' role on ${scope} to the CertifyClouds identity so vaults and their settings can be listed.`;
  if (e.kind === "throttled")
    return "Azure Resource Manager throttled the scan beyond the retry budget: retry later or lower the scanner concurrency.";
  if (e.kind === "network") return "Could not reach Azure Resource Manager: check outbound connectivity and proxies.";
  if (e.kind === "not_found")
    return `${scope} was not found: remove it from the subscription allow-list or check the identity's tenant.`;
  return `Unexpected error from Azure Resource Manager for ${scope}: retry the scan.`;
}

/** A vault whose inventory the database refused: nothing of it was written. */
export const VAULT_WRITE_REMEDIATION =
  "An internal error in CertifyClouds (not an Azure permission or network problem): the database rejected the vault's inventory, so its previous inventory is kept. The cause is in the server log under this scan's id: retry the scan, and report it with those log lines if it persists.";

const UNREADABLE: readonly string[] = ["firewall", "permission", "not_found", "throttled", "network", "internal"];

/**
 * How to fix a vault the scanner could not read: the remediation stored with its access error, or — for rows stored
 * without one — the text its access status calls for. Null when the vault was readable.
 */
export function vaultAccessRemediation(vault: {
  name: string;
  accessStatus: string;
  accessError: { code?: string; message: string; remediation?: string } | null;
  enableRbacAuthorization?: boolean | null;
  vaultUri?: string | null;
}): string | null {
  if (vault.accessError?.remediation) return vault.accessError.remediation;
  if (!UNREADABLE.includes(vault.accessStatus)) return null;
  const e: ClassifiedError = {
    kind: vault.accessStatus as CloudErrorKind,
    innerCode: vault.accessError?.code,
    message: vault.accessError?.message ?? "",
  };
  return remediationFor(e, vault);
}

export type PostureCheck = "softDelete" | "purgeProtection" | "rbac" | "network" | "diagnostics";

/** Each posture check of a vault: the benchmark hint shown beside a failing value, and how to fix it. */
export const POSTURE_REMEDIATION: Record<PostureCheck, { hint: string; remediation: string }> = {
  softDelete: {
    hint: "CIS KV-1: soft delete must be on",
    remediation:
      "Turn soft delete on (az keyvault update --enable-soft-delete true) so deleted secrets, keys and certificates can be recovered. The retention period (7–90 days, 90 recommended) is fixed when a vault is created: a vault with a short retention has to be recreated to get a longer one.",
  },
  purgeProtection: {
    hint: "CIS KV-2: enable purge protection",
    remediation:
      "Turn purge protection on (az keyvault update --enable-purge-protection true) so a deleted vault or object cannot be purged before its retention period ends. It cannot be turned off again.",
  },
  rbac: {
    hint: "CIS KV-3: prefer Azure RBAC",
    remediation:
      "Move the vault from access policies to Azure RBAC: assign the equivalent Key Vault data-plane roles (e.g. 'Key Vault Secrets User', 'Key Vault Reader') to every identity in the access policies, then switch the permission model (az keyvault update --enable-rbac-authorization true).",
  },
  network: {
    hint: "Public network access is enabled and the firewall allows all networks",
    remediation:
      "Restrict network access: disable public network access and reach the vault through a private endpoint, or set the firewall's default action to Deny and allow only the needed IP ranges and virtual networks (az keyvault update --default-action Deny).",
  },
  diagnostics: {
    hint: "CIS KV-4: send AuditEvent logs to Log Analytics or storage",
    remediation:
      "Add a diagnostic setting that sends the vault's AuditEvent logs to a Log Analytics workspace or a storage account, so every access to the vault is recorded and can be alerted on.",
  },
};

/** Vault rules on monitoring: resource logs and Microsoft Defender for Key Vault. */
import { z } from "zod";
import type { DiagnosticSettingFacts } from "../facts";
import { defineRule, fail, pass, sameText, unknown } from "../rule";

/** Azure Policy's padLeft(x, 3, '0') then a string comparison (ordinal, so "1000" < "365"; retention caps at 365). */
const padded = (n: number | string) => String(n).padStart(3, "0");

/**
 * The existence condition of AuditDiagnosticLog_Audit, per diagnostic setting: at least one log entry that is enabled
 * and either (retention enabled with 0 = forever or ≥ required days) or (retention not enabled, or no storage account).
 */
export function settingMeetsLogPolicy(s: DiagnosticSettingFacts, requiredRetentionDays: number): boolean {
  return s.logs.some((l) => {
    if (!l.enabled) return false;
    const r = l.retentionPolicy;
    if (r?.enabled !== true || !s.storageAccountId) return true;
    return r.days === 0 || padded(r.days) >= padded(requiredRetentionDays);
  });
}

export const vaultMonitoringRules = [
  defineRule({
    id: "vault-resource-logs",
    title: "Vaults have resource logs enabled",
    why: "Without resource logs nobody can tell who read which secret when investigating an incident.",
    severity: "high",
    scope: "vault",
    enabledByDefault: true,
    params: z.object({ requiredRetentionDays: z.number().int().min(0).max(365).default(365) }),
    // AuditDiagnosticLog_Audit (AuditIfNotExists): compliant when some diagnostic setting of the vault meets the
    // existence condition above. Any log category counts (the definition does not name AuditEvent). When only the
    // scan's summary is known (an enabled log sent to a destination), it passes: storage retention policies on
    // diagnostic settings are retired, so the retention branch can no longer fail a new setting.
    interpretation:
      "Compliant when a diagnostic setting has an enabled log category whose storage retention (if any) is 0 (forever) " +
      "or at least the required days. Any category counts, as in the definition.",
    evaluate: (f, p) => {
      if (f.diagnosticSettings) {
        const ok = f.diagnosticSettings.some((s) => settingMeetsLogPolicy(s, p.requiredRetentionDays));
        return ok ? pass("resource logs enabled") : fail("no diagnostic setting with an enabled log meeting retention");
      }
      if (f.diagnosticsEnabled === true) return pass("resource logs enabled (retention not recorded)");
      if (f.diagnosticsEnabled === false) return fail("no diagnostic setting with an enabled log");
      return unknown("diagnostic settings not read");
    },
    remediation: {
      portal: [
        "Key vaults → the vault → Diagnostic settings",
        "+ Add diagnostic setting → audit (or allLogs) → destination → Save",
      ],
      cli: 'az monitor diagnostic-settings create --name kv-audit --resource <vault id> --workspace <workspace id> --logs \'[{"categoryGroup":"audit","enabled":true}]\'',
    },
    references: { azurePolicy: "cf820ca0-f99e-4f3e-84fb-66e913812d21", cis: ["6.1.1.4"], mcsb: ["LT-3"] },
  }),
  defineRule({
    id: "vault-defender",
    title: "Microsoft Defender for Key Vault is on",
    why: "Defender alerts on unusual access, such as a secret read from a TOR exit node or a burst of listing.",
    severity: "high",
    scope: "vault",
    enabledByDefault: true,
    params: z.object({}),
    // Judged per subscription (Microsoft.Security/pricings/KeyVaults pricingTier) and reported on each of its vaults.
    // Its Azure Policy definition is not in the Key Vault category we copied, so no GUID is claimed.
    interpretation: "Non-compliant when the vault's subscription has the Key Vault plan on the Free tier (or none).",
    evaluate: (f) => {
      if (f.defenderForKeyVaultTier === undefined) return unknown("Defender plan not read");
      return sameText(f.defenderForKeyVaultTier, "Standard")
        ? pass("Defender for Key Vault on")
        : fail("Defender for Key Vault off");
    },
    remediation: {
      portal: ["Microsoft Defender for Cloud → Environment settings → the subscription", "Key Vault: On → Save"],
      cli: "az security pricing create --name KeyVaults --tier Standard",
    },
    references: { cis: ["8.1.8.1"], mcsb: ["LT-1"] },
  }),
];

/**
 * Vault rules on recoverability and authorisation. Azure's vault definitions all exclude `createMode: recover`; that
 * property exists only in a create request (ARM never returns it on read), so every inventoried vault is in scope.
 */
import { z } from "zod";
import { defineRule, fail, notApplicable, pass, unknown } from "../rule";

const vaultPortal = "Key vaults → the vault";

export const vaultAccessRules = [
  defineRule({
    id: "vault-soft-delete",
    title: "Vaults have soft delete enabled",
    why: "Without soft delete a deleted vault or object is gone for good, by mistake or by an attacker.",
    severity: "critical",
    scope: "vault",
    enabledByDefault: true,
    params: z.object({}),
    // SoftDeleteMustBeEnabled_Audit: enableSoftDelete equals false OR does not exist.
    interpretation: "Non-compliant when soft delete is false or absent from the vault's properties.",
    evaluate: (f) => (f.enableSoftDelete === true ? pass("soft delete on") : fail("soft delete off")),
    remediation: {
      portal: [`${vaultPortal} → Properties`, "Soft-delete: Enable → Save"],
      cli: "az keyvault update --name <vault> --enable-soft-delete true",
    },
    references: { azurePolicy: "1e66c121-a66a-4b1f-9b83-0fd99bf0fc2d", mcsb: ["DP-8"] },
  }),
  defineRule({
    id: "vault-purge-protection",
    title: "Vaults have deletion protection (soft delete and purge protection) enabled",
    why: "Purge protection stops anyone, an administrator or an attacker, from destroying deleted keys before retention ends.",
    severity: "high",
    scope: "vault",
    enabledByDefault: true,
    params: z.object({}),
    // Recoverable_Audit (current API versions): enableSoftDelete equals false OR enablePurgeProtection absent OR
    // false. A vault with soft delete absent but purge protection on passes, as in the definition.
    interpretation: "Non-compliant when soft delete is false, or purge protection is false or absent.",
    evaluate: (f) => {
      if (f.enableSoftDelete === false) return fail("soft delete off");
      return f.enablePurgeProtection === true ? pass("purge protection on") : fail("purge protection off");
    },
    remediation: {
      portal: [`${vaultPortal} → Properties`, "Purge protection: Enable (cannot be turned off again) → Save"],
      cli: "az keyvault update --name <vault> --enable-purge-protection true",
    },
    references: { azurePolicy: "0b60c0b2-2dc2-4e1c-b5c9-abbed971de53", cis: ["8.3.5"], mcsb: ["DP-8"] },
  }),
  defineRule({
    id: "vault-rbac",
    title: "Vaults use the Azure RBAC permission model",
    why: "RBAC gives per-object scopes, PIM and Conditional Access; access policies grant vault-wide rights.",
    severity: "high",
    scope: "vault",
    enabledByDefault: true,
    params: z.object({}),
    // Should_Use_RBAC: enableRbacAuthorization absent OR false.
    interpretation: "Non-compliant when the vault uses access policies (enableRbacAuthorization false or absent).",
    evaluate: (f) =>
      f.enableRbacAuthorization === true ? pass("RBAC permission model") : fail("access-policy permission model"),
    remediation: {
      portal: [`${vaultPortal} → Access configuration`, "Assign RBAC roles first, then Permission model: Azure RBAC"],
      cli: "az keyvault update --name <vault> --enable-rbac-authorization true",
    },
    references: { azurePolicy: "12d4fa5e-1f9f-4c21-97a9-b99b3c6611b5", cis: ["8.3.6"], mcsb: ["PA-7"] },
  }),
  defineRule({
    id: "vault-access-policy-broad",
    title: "No access policy grants 'all' or 'purge'",
    why: "'all' includes purge and policy-wide rights; broad grants defeat least privilege on access-policy vaults.",
    severity: "high",
    scope: "vault",
    enabledByDefault: true,
    params: z.object({
      forbiddenPermissions: z.array(z.string().min(1).max(40)).default(["all", "purge"]),
    }),
    // No Azure Policy definition (access policies have no policy alias for permissions). RBAC vaults ignore their
    // access policies, so they are not applicable.
    interpretation:
      "Access-policy vaults: non-compliant when any entry grants a forbidden permission (default all, purge) on " +
      "secrets, keys or certificates. RBAC vaults are not applicable. A vault scanned before the key and " +
      "certificate lists were recorded (counts only) and with no broad secret grant is unknown, not compliant.",
    evaluate: (f, p) => {
      if (f.enableRbacAuthorization === true) return notApplicable("RBAC vault: access policies are ignored");
      if (f.accessPolicies === undefined) return unknown("access-policy permissions not recorded");
      const bad = new Set(p.forbiddenPermissions.map((x) => x.toLowerCase()));
      const broad = f.accessPolicies.filter((a) =>
        [...a.secrets, ...(a.keys ?? []), ...(a.certificates ?? [])].some((x) => bad.has(x.toLowerCase())),
      );
      const grant = broad.length === 1 ? "policy grants" : "policies grant";
      if (broad.length) return fail(`${broad.length} access ${grant} ${[...bad].join("/")}`);
      // a grant hidden in a list the inventory does not record cannot be ruled out
      if (f.accessPolicies.some((a) => !a.keys || !a.certificates))
        return unknown("no broad secret permission; key and certificate permissions not recorded");
      return pass("no broad grant");
    },
    remediation: {
      portal: [`${vaultPortal} → Access policies`, "Edit each broad entry: only the operations it needs → Save"],
      cli: "az keyvault set-policy --name <vault> --object-id <id> --secret-permissions get list",
    },
    references: { mcsb: ["PA-7"] },
  }),
];

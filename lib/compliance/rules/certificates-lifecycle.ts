/** Certificate rules about validity, expiry and renewal. */
import { z } from "zod";
import { addDays, ahead, DAY_MS, daysBetween, defineRule, fail, notApplicable, pass, sameText, unknown } from "../rule";

const certPortal = "Key vaults → the vault → Certificates → the certificate → Issuance Policy";
const policyCli = "az keyvault certificate set-attributes --vault-name <vault> --name <cert> --policy @policy.json";

export const certificateLifecycleRules = [
  defineRule({
    id: "certificate-max-validity",
    title: "Certificates have at most the maximum validity period",
    why: "Long-lived certificates stay trusted long after a key may have leaked; CAs now cap validity well below a year.",
    severity: "medium",
    scope: "certificate",
    enabledByDefault: true,
    params: z.object({ maximumValidityInMonths: z.number().int().min(1).max(1200).default(12) }),
    // Certificates_ValidityPeriod: properties.validityInMonths > maximum. A policy without validityInMonths is not
    // matched by `greater` (Azure: compliant), so it passes here too.
    interpretation:
      "Non-compliant when the certificate policy's validity in months is greater than the maximum (equal passes). " +
      "The policy's value is judged, not the issued certificate's dates.",
    evaluate: (f, p) => {
      if (f.policy === undefined) return unknown("certificate policy not read");
      const m = f.policy.validityInMonths;
      if (m == null) return pass("the policy sets no validity period");
      return m > p.maximumValidityInMonths
        ? fail(`valid for ${m} months (more than ${p.maximumValidityInMonths})`)
        : pass(`valid for ${m} months`);
    },
    remediation: { portal: [certPortal, "Validity Period (in months) → at most the maximum → Save"], cli: policyCli },
    references: { azurePolicy: "0a075868-4c26-42ef-914c-5bc007359560", cis: ["8.3.11"], mcsb: ["DP-7"] },
  }),
  defineRule({
    id: "certificate-expiry-days",
    title: "Certificates do not expire within the specified number of days",
    why: "An expired certificate takes its service down; renewal needs lead time.",
    severity: "high",
    scope: "certificate",
    enabledByDefault: true,
    params: z.object({ daysToExpire: z.number().int().min(0).max(36500).default(30) }),
    // Certificates_Expiry_ByDays: expiresOn lessOrEquals addDays(utcNow(), N). Unlike secrets and keys the comparison
    // is inclusive: exactly N days left is NON-compliant. No `exists` test: a missing expiry does not match.
    interpretation:
      "Non-compliant when the certificate expires at or before now + N days (inclusive: exactly N days left is " +
      "non-compliant, unlike the secret and key rules). Expired certificates are non-compliant.",
    evaluate: (f, p, now) => {
      if (!f.expiresOn) return notApplicable("no expiration date");
      const left = daysBetween(now, f.expiresOn);
      if (f.expiresOn.getTime() <= addDays(now, p.daysToExpire).getTime())
        return fail(left < 0 ? `expired ${-left} days ago` : `expires in ${left} days (within ${p.daysToExpire})`);
      return pass(`expires in ${left} days`);
    },
    // inclusive: the outcome changes at expiresOn − N exactly
    nextChange: (f, p, now) => (f.expiresOn ? ahead(f.expiresOn.getTime() - p.daysToExpire * DAY_MS, now) : null),
    remediation: {
      portal: [
        "Key vaults → the vault → Certificates → the certificate",
        "+ New Version (or renew at the CA and merge)",
      ],
      cli: "az keyvault certificate create --vault-name <vault> --name <cert> --policy @policy.json",
    },
    references: { azurePolicy: "f772fb64-8e40-40ad-87bc-7706e1949427", mcsb: ["DP-7"] },
  }),
  defineRule({
    id: "certificate-lifetime-action",
    title: "Certificates have the specified lifetime action triggers",
    why: "A renewal or notice triggered too late leaves no time to act before expiry.",
    severity: "medium",
    scope: "certificate",
    enabledByDefault: true,
    params: z.object({
      maximumPercentageLife: z.number().int().min(1).max(99).default(80),
      minimumDaysBeforeExpiry: z.number().int().min(1).max(36500).default(30),
    }),
    // Certificates_LifetimeAction: (daysBeforeExpiry exists AND < minimumDaysBeforeExpiry) OR (lifetimePercentage
    // exists AND > maximumPercentageLife). A policy with no lifetime action matches neither branch: compliant in Azure.
    interpretation:
      "Non-compliant when a lifetime action triggers fewer than the minimum days before expiry, or later than the " +
      "maximum percentage of the lifetime (equal values pass). A policy without lifetime actions passes, as in Azure.",
    evaluate: (f, p) => {
      if (f.policy === undefined) return unknown("certificate policy not read");
      for (const a of f.policy.lifetimeActions ?? []) {
        if (a.daysBeforeExpiry != null && a.daysBeforeExpiry < p.minimumDaysBeforeExpiry)
          return fail(
            `${a.action ?? "action"} ${a.daysBeforeExpiry} days before expiry (fewer than ${p.minimumDaysBeforeExpiry})`,
          );
        if (a.lifetimePercentage != null && a.lifetimePercentage > p.maximumPercentageLife)
          return fail(
            `${a.action ?? "action"} at ${a.lifetimePercentage}% of lifetime (later than ${p.maximumPercentageLife}%)`,
          );
      }
      return pass("lifetime actions trigger in time");
    },
    remediation: { portal: [certPortal, "Lifetime Action Type → trigger at ≤ N % or ≥ N days → Save"], cli: policyCli },
    references: { azurePolicy: "12ef42cb-9903-4e39-9c26-422d29570417", mcsb: ["DP-7"] },
  }),
  defineRule({
    id: "certificate-auto-renew",
    title: "Certificates from a renewable issuer renew automatically",
    why: "Manual renewal is the most common cause of certificate outages.",
    severity: "medium",
    scope: "certificate",
    enabledByDefault: true,
    params: z.object({}),
    // No Azure Policy definition. Key Vault renews itself only for self-signed and integrated-CA certificates, so a
    // certificate whose issuer is "Unknown" (a non-integrated CA) is not applicable.
    interpretation:
      "Self-signed and integrated-CA certificates are non-compliant without an AutoRenew lifetime action. " +
      "Certificates of a non-integrated CA (issuer Unknown) cannot auto-renew and are not applicable.",
    evaluate: (f) => {
      if (f.policy === undefined) return unknown("certificate policy not read");
      if (sameText(f.policy.issuerName, "Unknown")) return notApplicable("issued by a non-integrated CA");
      return (f.policy.lifetimeActions ?? []).some((a) => sameText(a.action, "AutoRenew"))
        ? pass("renews automatically")
        : fail("no AutoRenew lifetime action");
    },
    remediation: {
      portal: [certPortal, "Lifetime Action Type: Automatically renew at a given percentage → Save"],
      cli: policyCli,
    },
    references: { mcsb: ["DP-7"] },
  }),
];

/** Secret rules: the five Azure Policy definitions for Key Vault secrets, reproduced on the inventory's facts. */
import { z } from "zod";
import { defineRule, fail, pass, daysParam } from "../rule";
import {
  activePeriod,
  activePeriodEnds,
  expirationSet,
  expiryWindowOpens,
  maximumValidity,
  moreThanDaysBeforeExpiry,
} from "./lifecycle";

export const secretRules = [
  defineRule({
    id: "secret-expiration-set",
    title: "Secrets have an expiration date",
    why: "A secret valid forever gives an attacker unlimited time to use it and is never forced through rotation.",
    severity: "high",
    scope: "secret",
    enabledByDefault: true,
    params: z.object({}),
    // Secrets_ExpirationSet: every secret (enabled or not, certificate-backed or not) without attributes.expiresOn.
    interpretation:
      "Non-compliant when the secret has no expiration date. Disabled and certificate-backed secrets count.",
    evaluate: (f) => expirationSet(f),
    remediation: {
      portal: ["Key vaults → the vault → Secrets → the secret → current version", "Set expiration date → Save"],
      cli: "az keyvault secret set-attributes --vault-name <vault> --name <secret> --expires <YYYY-MM-DDThh:mm:ssZ>",
    },
    references: { azurePolicy: "98728c90-32c7-4049-8429-847dc0f4fe37", cis: ["8.3.3", "8.3.4"], mcsb: ["DP-6"] },
  }),
  defineRule({
    id: "secret-expiry-days",
    title: "Secrets have more than the required number of days before expiration",
    why: "A secret close to expiry leaves too little time to rotate it before the applications using it fail.",
    severity: "medium",
    scope: "secret",
    enabledByDefault: true,
    params: z.object({ minimumDaysBeforeExpiration: daysParam(30) }),
    // Secrets_Expiry_ByDays: expiresOn exists AND expiresOn < addDays(utcNow(), N). Strict: exactly N days left passes.
    interpretation:
      "Non-compliant when the expiration date is earlier than now + N days (exact instants; exactly N days left is " +
      "compliant; expired secrets are non-compliant). Secrets without an expiration date are not applicable.",
    evaluate: (f, p, now) => moreThanDaysBeforeExpiry(f, p.minimumDaysBeforeExpiration, now),
    nextChange: (f, p, now) => expiryWindowOpens(f, p.minimumDaysBeforeExpiration, now),
    remediation: {
      portal: [
        "Key vaults → the vault → Secrets → the secret",
        "+ New Version with a new value and a later expiry date",
      ],
      cli: "az keyvault secret set --vault-name <vault> --name <secret> --file <new-value-file> --expires <date>",
    },
    references: { azurePolicy: "b0eb591a-5e70-4534-a8bf-04b9c489584a", mcsb: ["DP-6"] },
  }),
  defineRule({
    id: "secret-max-validity",
    title: "Secrets have at most the maximum validity period",
    why: "Short-lived secrets limit how long a leaked value stays useful.",
    severity: "medium",
    scope: "secret",
    enabledByDefault: true,
    params: z.object({ maximumValidityInDays: daysParam(365) }),
    // Secrets_ValidityPeriod: expiresOn absent OR expiresOn > addDays(createdOn, N). Exactly N days passes.
    interpretation:
      "Non-compliant when the secret has no expiration date, or expires more than N days after it was created " +
      "(exactly N days is compliant). Validity is counted from creation, not from the activation date.",
    evaluate: (f, p) => maximumValidity(f, p.maximumValidityInDays),
    remediation: {
      portal: [
        "Key vaults → the vault → Secrets → the secret → current version",
        "Set an expiration date within the limit",
      ],
      cli: "az keyvault secret set-attributes --vault-name <vault> --name <secret> --expires <created + N days>",
    },
    references: { azurePolicy: "342e8053-e12e-4c44-be01-c3c2f318400f", mcsb: ["DP-6"] },
  }),
  defineRule({
    id: "secret-active-period",
    title: "Secrets are not active for longer than the maximum period",
    why: "A secret in use for years has had years of exposure: rotate it.",
    severity: "medium",
    scope: "secret",
    enabledByDefault: true,
    params: z.object({ maximumValidityInDays: daysParam(365) }),
    // Secrets_ActivePeriod: utcNow() > addDays(notBefore if not empty else createdOn, N). Exactly N days passes.
    interpretation:
      "Non-compliant when more than N days have passed since the activation date (or the creation date when no " +
      "activation date is set). Exactly N days is compliant. Expiry plays no part.",
    evaluate: (f, p, now) => activePeriod(f, p.maximumValidityInDays, now),
    nextChange: (f, p, now) => activePeriodEnds(f, p.maximumValidityInDays, now),
    remediation: {
      portal: ["Key vaults → the vault → Secrets → the secret", "+ New Version with a rotated value"],
      cli: "az keyvault secret set --vault-name <vault> --name <secret> --file <new-value-file>",
    },
    references: { azurePolicy: "e8d99835-8a06-45ae-a8e0-87a91941ccfe", mcsb: ["DP-6"] },
  }),
  defineRule({
    id: "secret-content-type",
    title: "Secrets have a content type",
    why: "The content type says what a secret is (password, connection string…), and so how it must be rotated.",
    severity: "low",
    scope: "secret",
    enabledByDefault: true,
    params: z.object({}),
    // Secrets_ContentTypeSet: contentType exists: false. We also count an empty content type as none.
    interpretation: "Non-compliant when the secret has no content type (an empty content type counts as none).",
    evaluate: (f) => (f.contentType ? pass(`content type ${f.contentType}`) : fail("has no content type")),
    remediation: {
      portal: ["Key vaults → the vault → Secrets → the secret → current version", "Content type → Save"],
      cli: "az keyvault secret set-attributes --vault-name <vault> --name <secret> --content-type <type>",
    },
    references: { azurePolicy: "75262d3e-ba4a-4f43-85f8-9f72c090e5e3", mcsb: ["DP-6"] },
  }),
];

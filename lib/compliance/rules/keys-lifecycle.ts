/** Key rules about dates and rotation (the Keys_* definitions that mirror the secret ones, and the rotation policy). */
import { z } from "zod";
import type { KeyFacts } from "../facts";
import {
  addDays,
  addIsoDuration,
  daysBetween,
  defineRule,
  fail,
  pass,
  sameText,
  unknown,
  type Outcome,
  daysParam,
} from "../rule";
import {
  activePeriod,
  activePeriodEnds,
  expirationSet,
  expiryWindowOpens,
  maximumValidity,
  moreThanDaysBeforeExpiry,
} from "./lifecycle";

const keyPortal = "Key vaults → the vault → Keys → the key";

/**
 * Key Vault's scheduledRotationDate: the Rotate action's timeAfterCreate added to the current version's creation time,
 * or its timeBeforeExpiry taken from the expiry date. Null when nothing schedules a rotation (no policy, Notify only,
 * or timeBeforeExpiry on a key without expiry).
 */
export function scheduledRotationDate(k: KeyFacts): Date | null | undefined {
  if (k.rotationPolicy === undefined) return undefined;
  const rotate = k.rotationPolicy?.lifetimeActions.find((a) => sameText(a.action, "rotate"));
  if (!rotate) return null;
  if (rotate.timeAfterCreate) return k.createdOn ? (addIsoDuration(k.createdOn, rotate.timeAfterCreate) ?? null) : null;
  if (rotate.timeBeforeExpiry && k.expiresOn) return addIsoDuration(k.expiresOn, rotate.timeBeforeExpiry, -1) ?? null;
  return null;
}

function rotationWithin(k: KeyFacts, maximumDays: number): Outcome {
  const at = scheduledRotationDate(k);
  if (at === undefined) return unknown("rotation policy not read");
  if (at === null) return fail("no rotation is scheduled");
  if (!k.createdOn) return unknown("creation time not recorded");
  const after = daysBetween(k.createdOn, at);
  return at.getTime() > addDays(k.createdOn, maximumDays).getTime()
    ? fail(`rotation scheduled ${after} days after creation (more than ${maximumDays})`)
    : pass(`rotation scheduled ${after} days after creation`);
}

export const keyLifecycleRules = [
  defineRule({
    id: "key-expiration-set",
    title: "Keys have an expiration date",
    why: "A key valid forever gives an attacker unlimited time to use it.",
    severity: "high",
    scope: "key",
    enabledByDefault: true,
    params: z.object({}),
    // Keys_ExpirationSet: attributes.expiresOn exists: false, every key (enabled, disabled, certificate-backed).
    interpretation: "Non-compliant when the key has no expiration date. Disabled and certificate-backed keys count.",
    evaluate: (f) => expirationSet(f),
    remediation: {
      portal: [`${keyPortal} → current version`, "Set expiration date → Save"],
      cli: "az keyvault key set-attributes --vault-name <vault> --name <key> --expires <YYYY-MM-DDThh:mm:ssZ>",
    },
    references: { azurePolicy: "152b15f7-8e1f-4c1f-ab71-8c010ba5dbc0", cis: ["8.3.1", "8.3.2"], mcsb: ["DP-6"] },
  }),
  defineRule({
    id: "key-expiry-days",
    title: "Keys have more than the required number of days before expiration",
    why: "A key close to expiry leaves too little time to rotate it before encryption or signing stops working.",
    severity: "medium",
    scope: "key",
    enabledByDefault: true,
    params: z.object({ minimumDaysBeforeExpiration: daysParam(30) }),
    // Keys_Expiry_ByDays: expiresOn exists AND expiresOn < addDays(utcNow(), N). Strict: exactly N days left passes.
    interpretation:
      "Non-compliant when the expiration date is earlier than now + N days (exactly N days left is compliant; expired " +
      "keys are non-compliant). Keys without an expiration date are not applicable.",
    evaluate: (f, p, now) => moreThanDaysBeforeExpiry(f, p.minimumDaysBeforeExpiration, now),
    nextChange: (f, p, now) => expiryWindowOpens(f, p.minimumDaysBeforeExpiration, now),
    remediation: {
      portal: [keyPortal, "Rotate now (or + New Version) and set a later expiry date"],
      cli: "az keyvault key rotate --vault-name <vault> --name <key>",
    },
    references: { azurePolicy: "5ff38825-c5d8-47c5-b70e-069a21955146", mcsb: ["DP-6"] },
  }),
  defineRule({
    id: "key-max-validity",
    title: "Keys have at most the maximum validity period",
    why: "Short-lived keys bound how much data one compromised key protects.",
    severity: "medium",
    scope: "key",
    enabledByDefault: true,
    params: z.object({ maximumValidityInDays: daysParam(730) }),
    // Keys_ValidityPeriod: expiresOn absent OR expiresOn > addDays(createdOn, N). Exactly N days passes.
    interpretation:
      "Non-compliant when the key has no expiration date, or expires more than N days after it was created " +
      "(exactly N days is compliant).",
    evaluate: (f, p) => maximumValidity(f, p.maximumValidityInDays),
    remediation: {
      portal: [`${keyPortal} → current version`, "Set an expiration date within the limit"],
      cli: "az keyvault key set-attributes --vault-name <vault> --name <key> --expires <created + N days>",
    },
    references: { azurePolicy: "49a22571-d204-4c91-a7b6-09b1a586fbc9", mcsb: ["DP-6"] },
  }),
  defineRule({
    id: "key-active-period",
    title: "Keys are not active for longer than the maximum period",
    why: "The longer a key is in use, the more likely it has been exposed; Microsoft recommends at most two years.",
    severity: "medium",
    scope: "key",
    enabledByDefault: true,
    params: z.object({ maximumValidityInDays: daysParam(730) }),
    // Keys_ActivePeriod: utcNow() > addDays(notBefore if not empty else createdOn, N). Exactly N days passes.
    interpretation:
      "Non-compliant when more than N days have passed since the activation date (or the creation date when no " +
      "activation date is set). Exactly N days is compliant.",
    evaluate: (f, p, now) => activePeriod(f, p.maximumValidityInDays, now),
    nextChange: (f, p, now) => activePeriodEnds(f, p.maximumValidityInDays, now),
    remediation: {
      portal: [keyPortal, "Rotate now"],
      cli: "az keyvault key rotate --vault-name <vault> --name <key>",
    },
    references: { azurePolicy: "c26e4b24-cf98-4c67-b48b-5a25c4c69eb9", mcsb: ["DP-6"] },
  }),
  defineRule({
    id: "key-rotation-scheduled",
    title: "Keys have a rotation policy scheduling rotation within the maximum days after creation",
    why: "Automatic rotation replaces keys on time without depending on someone remembering.",
    severity: "medium",
    scope: "key",
    enabledByDefault: true,
    params: z.object({ maximumDaysToRotate: daysParam(365) }),
    // Keys_KeyRotationPolicy_MaximumDaysToRotate: scheduledRotationDate absent OR > addDays(createdOn, N).
    interpretation:
      "Non-compliant when no rotation is scheduled (no rotation policy, only a Notify action, or a rotation relative " +
      "to an expiry the key does not have), or when the scheduled rotation falls more than N days after the current " +
      "version's creation. Exactly N days is compliant. The schedule is computed as Key Vault does: creation + " +
      "timeAfterCreate, or expiry − timeBeforeExpiry.",
    evaluate: (f, p) => rotationWithin(f, p.maximumDaysToRotate),
    remediation: {
      portal: [`${keyPortal} → Rotation policy`, "Enable auto-rotation, Rotation time: N days after creation → Save"],
      cli: "az keyvault key rotation-policy update --vault-name <vault> --name <key> --value <policy.json>",
    },
    references: { azurePolicy: "d8cf8476-a2ec-4916-896e-992351803c44", cis: ["8.3.9"], mcsb: ["DP-6"] },
  }),
];

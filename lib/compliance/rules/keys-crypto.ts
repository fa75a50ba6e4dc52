/** Key rules about key material: type, RSA size, elliptic curve, HSM protection. */
import { z } from "zod";
import { defineRule, fail, inList, pass, unknown } from "../rule";
import { allowedCurve, allowedKeyType, curvesParam, keyTypesParam, rsaMinimumSize, rsaSizeParam } from "./crypto";

const newKey = "Create a compliant key (+ Generate/Import), move its users to it, then disable the old key";

export const keyCryptoRules = [
  defineRule({
    id: "key-allowed-types",
    title: "Keys are of an allowed cryptographic type",
    why: "Applications and regulations may require one key family (RSA or EC).",
    severity: "low",
    scope: "key",
    enabledByDefault: true,
    params: z.object({ allowedKeyTypes: keyTypesParam(["RSA", "RSA-HSM", "EC", "EC-HSM"]) }),
    // Keys_AllowedKeyTypes: keyType notIn allowedKeyTypes (case-insensitive, as Azure Policy compares strings).
    interpretation: "Non-compliant when the key type (kty) is not in the allowed list; oct-HSM is never in it.",
    evaluate: (f, p) => allowedKeyType(f.keyType, p.allowedKeyTypes),
    remediation: {
      portal: ["Key vaults → the vault → Keys", newKey],
      cli: "az keyvault key create --vault-name <vault> --name <key> --kty <allowed type>",
    },
    references: { azurePolicy: "75c4f823-d65c-4f29-a733-01d0077fdbcb", mcsb: ["DP-5"] },
  }),
  defineRule({
    id: "key-rsa-min-size",
    title: "RSA keys have at least the minimum key size",
    why: "Small RSA keys can be factored; 2048 bits is the floor of current standards.",
    severity: "high",
    scope: "key",
    enabledByDefault: true,
    params: z.object({ minimumRSAKeySize: rsaSizeParam() }),
    // Keys_RSA_MinimumKeySize: keyType in (RSA, RSA-HSM) AND keySize < minimum. Exactly the minimum passes.
    interpretation: "RSA keys only: non-compliant when the key size is below the minimum (equal passes).",
    evaluate: (f, p) => rsaMinimumSize(f.keyType, f.keySize, p.minimumRSAKeySize),
    remediation: {
      portal: ["Key vaults → the vault → Keys", newKey],
      cli: "az keyvault key create --vault-name <vault> --name <key> --kty RSA --size 3072",
    },
    references: { azurePolicy: "82067dbb-e53b-4e06-b631-546d197452d9", mcsb: ["DP-5"] },
  }),
  defineRule({
    id: "key-ec-curves",
    title: "Elliptic-curve keys use an allowed curve",
    why: "Some curves are not accepted by the applications or standards an organisation must follow.",
    severity: "low",
    scope: "key",
    enabledByDefault: true,
    params: z.object({ allowedECNames: curvesParam() }),
    // Keys_EC_AllowedCurveNames: keyType in (EC, EC-HSM) AND ellipticCurveName notIn allowedECNames.
    interpretation: "EC keys only: non-compliant when the curve is not in the allowed list.",
    evaluate: (f, p) => allowedCurve(f.keyType, f.curve, p.allowedECNames),
    remediation: {
      portal: ["Key vaults → the vault → Keys", newKey],
      cli: "az keyvault key create --vault-name <vault> --name <key> --kty EC --curve P-384",
    },
    references: { azurePolicy: "ff25f3c8-b739-4538-9d07-3d6d25cfb255", mcsb: ["DP-5"] },
  }),
  defineRule({
    id: "key-hsm-backed",
    title: "Keys are backed by a hardware security module",
    why: "An HSM-protected key cannot leave the hardware, a stronger guarantee than a software key.",
    severity: "medium",
    scope: "key",
    // Premium SKU and cost: an organisation decides to require it.
    enabledByDefault: false,
    params: z.object({}),
    // Keys_HSMBacked: keyType notIn (RSA-HSM, EC-HSM). Note: oct-HSM keys fail this definition as written.
    interpretation: "Non-compliant when the key type is neither RSA-HSM nor EC-HSM (as written, oct-HSM fails too).",
    evaluate: (f) => {
      if (f.keyType === undefined) return unknown("key parameters not read");
      return inList(f.keyType, ["RSA-HSM", "EC-HSM"])
        ? pass(`${f.keyType} key`)
        : fail(`${f.keyType ?? "untyped"} key is not HSM-backed`);
    },
    remediation: {
      portal: ["Key vaults → a Premium vault → Keys", "Generate an RSA-HSM or EC-HSM key, move users to it"],
      cli: "az keyvault key create --vault-name <premium-vault> --name <key> --kty RSA-HSM",
    },
    references: { azurePolicy: "587c79fe-dd04-4a5e-9d0b-f89598c7261b", mcsb: ["DP-5"] },
  }),
];

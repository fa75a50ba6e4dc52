/** Certificate rules about the key in the certificate policy (keyProperties in Azure Policy's aliases). */
import { z } from "zod";
import type { CertificateFacts } from "../facts";
import { defineRule } from "../rule";
import { allowedCurve, allowedKeyType, curvesParam, keyTypesParam, rsaMinimumSize, rsaSizeParam } from "./crypto";

const certPortal = "Key vaults → the vault → Certificates → the certificate → Issuance Policy";
const newVersion = "Change Key type/size/curve → Save, then + New Version (the key changes at the next version)";

/** The policy's key type: undefined (→ unknown) when the certificate policy was not read. */
const kt = (f: CertificateFacts) => (f.policy === undefined ? undefined : (f.policy.keyType ?? null));

export const certificateCryptoRules = [
  defineRule({
    id: "certificate-allowed-key-types",
    title: "Certificates use an allowed key type",
    why: "Relying parties may accept only some key types; RSA is the most widely accepted.",
    severity: "low",
    scope: "certificate",
    enabledByDefault: true,
    params: z.object({ allowedKeyTypes: keyTypesParam(["RSA", "RSA-HSM"]) }),
    // Certificates_AllowedKeyTypes: keyProperties.keyType notIn allowedKeyTypes (default RSA, RSA-HSM).
    interpretation: "Non-compliant when the certificate policy's key type is not in the allowed list.",
    evaluate: (f, p) => allowedKeyType(kt(f), p.allowedKeyTypes),
    remediation: {
      portal: [certPortal, newVersion],
      cli: "az keyvault certificate set-attributes --vault-name <vault> --name <cert> --policy @policy.json",
    },
    references: { azurePolicy: "1151cede-290b-4ba0-8b38-0ad145ac888f", mcsb: ["DP-7"] },
  }),
  defineRule({
    id: "certificate-rsa-min-size",
    title: "RSA certificates have at least the minimum key size",
    why: "Certificates with small RSA keys are rejected by browsers and fail industry requirements.",
    severity: "high",
    scope: "certificate",
    enabledByDefault: true,
    params: z.object({ minimumRSAKeySize: rsaSizeParam() }),
    // Certificates_RSA_MinimumKeySize: keyType in (RSA, RSA-HSM) AND keySize < minimum. Equal passes.
    interpretation: "RSA certificates only: non-compliant when the key size is below the minimum (equal passes).",
    evaluate: (f, p) => rsaMinimumSize(kt(f), f.policy?.keySize, p.minimumRSAKeySize),
    remediation: {
      portal: [certPortal, newVersion],
      cli: "az keyvault certificate set-attributes --vault-name <vault> --name <cert> --policy @policy.json",
    },
    references: { azurePolicy: "cee51871-e572-4576-855c-047c820360f0", mcsb: ["DP-7"] },
  }),
  defineRule({
    id: "certificate-ec-curves",
    title: "Elliptic-curve certificates use an allowed curve",
    why: "Relying parties accept only some curves.",
    severity: "low",
    scope: "certificate",
    enabledByDefault: true,
    params: z.object({ allowedECNames: curvesParam() }),
    // Certificates_EC_AllowedCurveNames: keyType in (EC, EC-HSM) AND ellipticCurveName notIn allowedECNames.
    interpretation: "EC certificates only: non-compliant when the curve is not in the allowed list.",
    evaluate: (f, p) => allowedCurve(kt(f), f.policy?.keyCurveName, p.allowedECNames),
    remediation: {
      portal: [certPortal, newVersion],
      cli: "az keyvault certificate set-attributes --vault-name <vault> --name <cert> --policy @policy.json",
    },
    references: { azurePolicy: "bd78111f-4953-4367-9fd5-7e08808b54bf", mcsb: ["DP-7"] },
  }),
];

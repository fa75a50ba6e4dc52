/** Certificate rules about who issued the certificate. Both need the organisation's own CA list: off by default. */
import { z } from "zod";
import type { CertificateFacts } from "../facts";
import { defineRule, fail, inList, notApplicable, pass, unknown } from "../rule";

/** The CN of an X.509 distinguished name as the scan stores it ("CN=Contoso CA, O=Contoso"). */
export function commonName(dn: string | null | undefined): string | null {
  const m = dn ? /(?:^|,\s*)CN=([^,]+)/i.exec(dn) : null;
  return m ? m[1].trim() : null;
}

const issuerPortal = "Key vaults → the vault → Certificates → the certificate";

export const certificateIssuerRules = [
  defineRule({
    id: "certificate-integrated-ca",
    title: "Certificates are issued by an allowed integrated certificate authority",
    why: "Integrated CAs (DigiCert, GlobalSign) let Key Vault enrol and renew certificates itself.",
    severity: "medium",
    scope: "certificate",
    enabledByDefault: false,
    params: z.object({ allowedCAs: z.array(z.enum(["DigiCert", "GlobalSign"])).default(["DigiCert", "GlobalSign"]) }),
    // Certificates_Issuers_SupportedCAs: issuer.name notIn allowedCAs. Self-signed ("Self") and non-integrated
    // ("Unknown") certificates are therefore non-compliant. We read the policy's issuerName; an issuer object named
    // differently from its provider does not match (the provider is not recorded yet).
    interpretation:
      "Non-compliant when the certificate policy's issuer is not one of the allowed integrated CAs (Self and Unknown " +
      "fail).",
    evaluate: (f: CertificateFacts, p) => {
      if (f.policy === undefined) return unknown("certificate policy not read");
      const name = f.policy.issuerName ?? null;
      return inList(name, p.allowedCAs) ? pass(`issued by ${name}`) : fail(`issuer ${name ?? "(none)"} is not allowed`);
    },
    remediation: {
      portal: [
        `${issuerPortal} → Issuance Policy`,
        "Certificate Authority: an integrated CA issuer → Save → + New Version",
      ],
      cli: "az keyvault certificate issuer create --vault-name <vault> --issuer-name <name> --provider-name DigiCert",
    },
    references: { azurePolicy: "8e826246-c976-48f6-b03e-619bb92b3d82", mcsb: ["DP-7"] },
  }),
  defineRule({
    id: "certificate-custom-ca",
    title: "Certificates are issued by one of the allowed non-integrated certificate authorities",
    why: "Certificates from an unapproved CA may not be trusted, revocable or monitored by the organisation.",
    severity: "medium",
    scope: "certificate",
    enabledByDefault: false,
    params: z.object({ caCommonNames: z.array(z.string().min(1).max(200)).max(50).default([]) }),
    // Certificates_Issuers_AllowedCustomCAs: count(caCommonNames where issuer.commonName contains the name) == 0.
    // `contains` is a case-insensitive substring test. With no names configured the rule is not evaluated (Azure
    // requires the parameter at assignment).
    interpretation:
      "Non-compliant when the issuer's common name contains none of the allowed names (case-insensitive substring). " +
      "Not evaluated until at least one name is configured.",
    evaluate: (f: CertificateFacts, p) => {
      if (!p.caCommonNames.length) return notApplicable("no CA names configured");
      if (f.issuer === undefined) return unknown("certificate not read");
      const cn = commonName(f.issuer);
      const ok = cn != null && p.caCommonNames.some((n) => cn.toLowerCase().includes(n.toLowerCase()));
      return ok ? pass(`issued by ${cn}`) : fail(`issuer ${cn ?? "(no CN)"} is not an allowed CA`);
    },
    remediation: {
      portal: [
        issuerPortal,
        "Re-issue from an allowed CA: + New Version → Certificate Authority: non-integrated → merge",
      ],
      cli: "az keyvault certificate pending merge --vault-name <vault> --name <cert> --file <signed.cer>",
    },
    references: { azurePolicy: "d3e82b87-6673-410b-8501-1896b688b9a3", mcsb: ["DP-7"] },
  }),
];

/** NIST SP 800-53 Revision 5: the controls the rules give evidence for. */
import { control, type Framework } from "./types";

const keyLifecycle = ["key-expiration-set", "key-expiry-days", "key-max-validity", "key-active-period"];

export const nist80053: Framework = {
  id: "nist-800-53-r5",
  name: "NIST SP 800-53",
  version: "Revision 5",
  source: "NIST SP 800-53 Rev. 5 (csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)",
  controls: [
    control("AC-3", "Access Enforcement", "direct", ["vault-rbac"]),
    control("AC-6", "Least Privilege", "direct", ["vault-access-policy-broad", "vault-rbac"]),
    control("AU-2", "Event Logging", "direct", ["vault-resource-logs"]),
    control("AU-11", "Audit Record Retention", "supporting", ["vault-resource-logs"]),
    control("AU-12", "Audit Record Generation", "direct", ["vault-resource-logs"]),
    control("CP-9", "System Backup", "supporting", ["vault-soft-delete", "vault-purge-protection"]),
    control("IA-5", "Authenticator Management", "direct", [
      "secret-expiration-set",
      "secret-expiry-days",
      "secret-max-validity",
      "secret-active-period",
      "app-credential-expired",
      "app-credential-expiring",
      "app-credential-lifetime",
      "app-stale-credentials",
    ]),
    control("SC-7", "Boundary Protection", "direct", [
      "vault-firewall",
      "vault-public-network-disabled",
      "vault-private-link",
    ]),
    control("SC-12", "Cryptographic Key Establishment and Management", "direct", [
      ...keyLifecycle,
      "key-rotation-scheduled",
      "key-hsm-backed",
    ]),
    control("SC-13", "Cryptographic Protection", "direct", [
      "key-allowed-types",
      "key-rsa-min-size",
      "key-ec-curves",
      "certificate-allowed-key-types",
      "certificate-rsa-min-size",
      "certificate-ec-curves",
    ]),
    control("SC-17", "Public Key Infrastructure Certificates", "direct", [
      "certificate-max-validity",
      "certificate-expiry-days",
      "certificate-lifetime-action",
      "certificate-auto-renew",
      "certificate-integrated-ca",
      "certificate-custom-ca",
    ]),
    control("SI-4", "System Monitoring", "supporting", ["vault-defender"]),
    control("CM-8", "System Component Inventory", "customer"),
  ],
};

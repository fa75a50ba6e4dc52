/** PCI DSS v4.0: the requirements the rules give evidence for (key management in 3.6/3.7, certificates in 4.2). */
import { CERTIFICATE_MATERIAL, KEY_MATERIAL, LEAST_PRIVILEGE, NETWORK } from "./rule-groups";
import { control, type Framework } from "./types";

export const pciDss: Framework = {
  id: "pci-dss-4.0",
  name: "PCI DSS",
  version: "4.0",
  source: "PCI DSS v4.0 (PCI Security Standards Council, March 2022)",
  controls: [
    control("1.3.1", "Inbound traffic to the CDE is restricted", "supporting", [...NETWORK]),
    control("3.6.1", "Procedures protect cryptographic keys against disclosure and misuse", "supporting", [
      ...LEAST_PRIVILEGE,
      "vault-purge-protection",
    ]),
    control("3.7.1", "Generation of strong cryptographic keys", "direct", [...KEY_MATERIAL]),
    control("3.7.4", "Cryptographic key changes at the end of the cryptoperiod", "direct", [
      "key-expiration-set",
      "key-max-validity",
      "key-active-period",
      "key-rotation-scheduled",
    ]),
    control("3.7.5", "Retirement or replacement of keys", "supporting", ["key-expiry-days"]),
    control("4.2.1", "Strong cryptography for PAN in transmission; certificates valid and not expired", "direct", [
      ...CERTIFICATE_MATERIAL,
      "certificate-expiry-days",
    ]),
    control("4.2.1.1", "Inventory of trusted keys and certificates", "supporting", [
      "certificate-max-validity",
      "certificate-auto-renew",
    ]),
    control("7.2.2", "Access assigned on least privilege", "direct", [...LEAST_PRIVILEGE]),
    control("8.6.3", "Passwords of application and system accounts protected and changed periodically", "supporting", [
      "secret-active-period",
      "secret-max-validity",
      "app-credential-lifetime",
    ]),
    control("10.2.1", "Audit logs are enabled and active", "direct", ["vault-resource-logs"]),
    control("10.5.1", "Audit log history retained for at least 12 months", "supporting", ["vault-resource-logs"]),
    control("11.5.1", "Intrusion detection and prevention", "supporting", ["vault-defender"]),
    control("12.3.3", "Cipher suites and protocols documented and reviewed annually", "customer"),
  ],
};

/** NIST SP 800-53 Revision 5: the controls the rules give evidence for. */
import {
  APP_CREDENTIALS,
  CERTIFICATE_ISSUER,
  CERTIFICATE_LIFECYCLE,
  CERTIFICATE_MATERIAL,
  KEY_LIFECYCLE,
  KEY_MATERIAL,
  LEAST_PRIVILEGE,
  NETWORK,
  RECOVERY,
  SECRET_LIFECYCLE,
} from "./rule-groups";
import { control, type Framework } from "./types";

export const nist80053: Framework = {
  id: "nist-800-53-r5",
  name: "NIST SP 800-53",
  version: "Revision 5",
  source: "NIST SP 800-53 Rev. 5 (csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)",
  controls: [
    control("AC-3", "Access Enforcement", "direct", ["vault-rbac"]),
    control("AC-6", "Least Privilege", "direct", [...LEAST_PRIVILEGE]),
    control("AU-2", "Event Logging", "direct", ["vault-resource-logs"]),
    control("AU-11", "Audit Record Retention", "supporting", ["vault-resource-logs"]),
    control("AU-12", "Audit Record Generation", "direct", ["vault-resource-logs"]),
    control("CP-9", "System Backup", "supporting", [...RECOVERY]),
    control("IA-5", "Authenticator Management", "direct", [...SECRET_LIFECYCLE, ...APP_CREDENTIALS]),
    control("SC-7", "Boundary Protection", "direct", [...NETWORK]),
    control("SC-12", "Cryptographic Key Establishment and Management", "direct", [...KEY_LIFECYCLE, "key-hsm-backed"]),
    control("SC-13", "Cryptographic Protection", "direct", [...KEY_MATERIAL, ...CERTIFICATE_MATERIAL]),
    control("SC-17", "Public Key Infrastructure Certificates", "direct", [
      ...CERTIFICATE_LIFECYCLE,
      ...CERTIFICATE_ISSUER,
    ]),
    control("SI-4", "System Monitoring", "supporting", ["vault-defender"]),
    control("CM-8", "System Component Inventory", "customer"),
  ],
};

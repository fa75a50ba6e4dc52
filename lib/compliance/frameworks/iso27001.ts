/** ISO/IEC 27001:2022 Annex A (2022 numbering, not 2013): the controls the rules give evidence for. */
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
} from "./rule-groups";
import { control, type Framework } from "./types";

export const iso27001: Framework = {
  id: "iso27001-2022",
  name: "ISO/IEC 27001 Annex A",
  version: "2022",
  source: "ISO/IEC 27001:2022 Annex A (ids as listed by prowler-cloud/prowler iso27001_2022_azure.json)",
  controls: [
    control("A.5.15", "Access control", "direct", [...LEAST_PRIVILEGE]),
    control("A.5.17", "Authentication information", "direct", [
      ...APP_CREDENTIALS,
      "secret-expiration-set",
      "secret-max-validity",
      "secret-active-period",
    ]),
    control("A.8.2", "Privileged access rights", "supporting", ["vault-access-policy-broad", "app-no-owner"]),
    control("A.8.13", "Information backup", "supporting", [...RECOVERY]),
    control("A.8.15", "Logging", "direct", ["vault-resource-logs"]),
    control("A.8.16", "Monitoring activities", "direct", ["vault-defender"]),
    control("A.8.20", "Network security", "direct", [...NETWORK]),
    control("A.8.24", "Use of cryptography", "direct", [
      ...KEY_LIFECYCLE,
      ...KEY_MATERIAL,
      ...CERTIFICATE_LIFECYCLE,
      ...CERTIFICATE_MATERIAL,
      ...CERTIFICATE_ISSUER,
      "key-hsm-backed",
    ]),
    control("A.5.9", "Inventory of information and other associated assets", "supporting", ["secret-content-type"]),
    control("A.5.33", "Protection of records", "customer"),
  ],
};

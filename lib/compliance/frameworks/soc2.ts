/** SOC 2, 2017 Trust Services Criteria (revised points of focus 2022): the criteria the rules give evidence for. */
import { LEAST_PRIVILEGE, NETWORK, RECOVERY } from "./rule-groups";
import { control, type Framework } from "./types";

export const soc2: Framework = {
  id: "soc2-2017",
  name: "SOC 2 (Trust Services Criteria)",
  version: "2017",
  source: "AICPA 2017 Trust Services Criteria (ids as listed by prowler-cloud/prowler soc2_azure.json)",
  controls: [
    control("CC6.1", "Logical access security over protected information assets", "direct", [
      ...LEAST_PRIVILEGE,
      "secret-expiration-set",
      "key-expiration-set",
      "key-rsa-min-size",
      "certificate-rsa-min-size",
    ]),
    control("CC6.2", "Registration and authorisation before issuing credentials", "supporting", [
      "app-no-owner",
      "app-credential-lifetime",
    ]),
    control("CC6.3", "Authorising, modifying and removing access", "supporting", [
      "app-stale-credentials",
      "app-credential-expired",
      "secret-active-period",
      "key-active-period",
    ]),
    control("CC6.6", "Protection against threats from outside the system boundaries", "direct", [...NETWORK]),
    control("CC6.7", "Restricting and protecting information in transmission", "supporting", [
      "certificate-expiry-days",
      "certificate-max-validity",
      "certificate-allowed-key-types",
    ]),
    control("CC7.2", "Monitoring system components for anomalies", "direct", ["vault-resource-logs", "vault-defender"]),
    control("A1.2", "Environmental protections, backup and recovery infrastructure", "supporting", [...RECOVERY]),
  ],
};

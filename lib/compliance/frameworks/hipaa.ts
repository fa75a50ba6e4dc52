/** HIPAA Security Rule (45 CFR Part 164 Subpart C): the standards the rules give evidence for. */
import { LEAST_PRIVILEGE, RECOVERY } from "./rule-groups";
import { control, type Framework } from "./types";

export const hipaa: Framework = {
  id: "hipaa-security",
  name: "HIPAA Security Rule",
  version: "45 CFR 164.308–164.312",
  source: "45 CFR Part 164 Subpart C (ecfr.gov)",
  controls: [
    control("164.308(a)(1)(ii)(D)", "Information system activity review", "supporting", ["vault-defender"]),
    control("164.308(a)(5)(ii)(D)", "Password management", "supporting", [
      "secret-active-period",
      "app-credential-lifetime",
      "app-credential-expired",
    ]),
    control("164.308(a)(7)(ii)(A)", "Data backup plan", "customer"),
    control("164.312(a)(1)", "Access control", "supporting", [...LEAST_PRIVILEGE]),
    control("164.312(a)(2)(iv)", "Encryption and decryption", "supporting", [
      "key-rsa-min-size",
      "key-ec-curves",
      "key-expiration-set",
      "key-rotation-scheduled",
    ]),
    control("164.312(b)", "Audit controls", "direct", ["vault-resource-logs"]),
    control("164.312(c)(1)", "Integrity", "supporting", [...RECOVERY]),
    control("164.312(d)", "Person or entity authentication", "supporting", [
      "secret-expiration-set",
      "app-credential-expired",
    ]),
    control("164.312(e)(1)", "Transmission security", "supporting", [
      "vault-private-link",
      "vault-public-network-disabled",
      "certificate-expiry-days",
    ]),
  ],
};

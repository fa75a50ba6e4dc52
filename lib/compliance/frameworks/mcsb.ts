/** Microsoft cloud security benchmark v1: the controls Key Vault and application credentials give evidence for. */
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

export const mcsb: Framework = {
  id: "mcsb-1",
  name: "Microsoft cloud security benchmark",
  version: "1.0",
  source: "Microsoft cloud security benchmark v1 (learn.microsoft.com/security/benchmark/azure)",
  controls: [
    control("NS-2", "Secure cloud services with network controls", "direct", [...NETWORK]),
    control("IM-3", "Manage application identities securely and automatically", "supporting", [
      ...APP_CREDENTIALS,
      "app-no-owner",
    ]),
    control("PA-7", "Follow just enough administration (least privilege) principle", "direct", [...LEAST_PRIVILEGE]),
    control("DP-5", "Use customer-managed key option in data at rest encryption when required", "supporting", [
      ...KEY_MATERIAL,
      "key-hsm-backed",
    ]),
    control("DP-6", "Use a secure key management process", "direct", [
      ...KEY_LIFECYCLE,
      ...SECRET_LIFECYCLE,
      "secret-content-type",
    ]),
    control("DP-7", "Use a secure certificate management process", "direct", [
      ...CERTIFICATE_LIFECYCLE,
      ...CERTIFICATE_MATERIAL,
      ...CERTIFICATE_ISSUER,
    ]),
    control("DP-8", "Ensure security of key and certificate repository", "direct", [...RECOVERY]),
    control("LT-1", "Enable threat detection capabilities", "direct", ["vault-defender"]),
    control("LT-3", "Enable logging for security investigation", "direct", ["vault-resource-logs"]),
    control("BR-1", "Ensure regular automated backups", "customer"),
  ],
};

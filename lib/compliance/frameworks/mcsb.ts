/** Microsoft cloud security benchmark v1: the controls Key Vault and application credentials give evidence for. */
import { control, type Framework } from "./types";

export const mcsb: Framework = {
  id: "mcsb-1",
  name: "Microsoft cloud security benchmark",
  version: "1.0",
  source: "Microsoft cloud security benchmark v1 (learn.microsoft.com/security/benchmark/azure)",
  controls: [
    control("NS-2", "Secure cloud services with network controls", "direct", [
      "vault-firewall",
      "vault-public-network-disabled",
      "vault-private-link",
    ]),
    control("IM-3", "Manage application identities securely and automatically", "supporting", [
      "app-credential-expired",
      "app-credential-expiring",
      "app-credential-lifetime",
      "app-no-owner",
      "app-stale-credentials",
    ]),
    control("PA-7", "Follow just enough administration (least privilege) principle", "direct", [
      "vault-rbac",
      "vault-access-policy-broad",
    ]),
    control("DP-5", "Use customer-managed key option in data at rest encryption when required", "supporting", [
      "key-allowed-types",
      "key-rsa-min-size",
      "key-ec-curves",
      "key-hsm-backed",
    ]),
    control("DP-6", "Use a secure key management process", "direct", [
      "key-expiration-set",
      "key-expiry-days",
      "key-max-validity",
      "key-active-period",
      "key-rotation-scheduled",
      "secret-expiration-set",
      "secret-expiry-days",
      "secret-max-validity",
      "secret-active-period",
      "secret-content-type",
    ]),
    control("DP-7", "Use a secure certificate management process", "direct", [
      "certificate-max-validity",
      "certificate-expiry-days",
      "certificate-lifetime-action",
      "certificate-auto-renew",
      "certificate-allowed-key-types",
      "certificate-rsa-min-size",
      "certificate-ec-curves",
      "certificate-integrated-ca",
      "certificate-custom-ca",
    ]),
    control("DP-8", "Ensure security of key and certificate repository", "direct", [
      "vault-soft-delete",
      "vault-purge-protection",
    ]),
    control("LT-1", "Enable threat detection capabilities", "direct", ["vault-defender"]),
    control("LT-3", "Enable logging for security investigation", "direct", ["vault-resource-logs"]),
    control("BR-1", "Ensure regular automated backups", "customer"),
  ],
};

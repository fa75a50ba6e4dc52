/** Rule groups several frameworks map together (one list each, so a new rule joins every mapping at once). */
export const NETWORK = ["vault-firewall", "vault-public-network-disabled", "vault-private-link"];
export const RECOVERY = ["vault-soft-delete", "vault-purge-protection"];
export const LEAST_PRIVILEGE = ["vault-rbac", "vault-access-policy-broad"];
export const KEY_LIFECYCLE = [
  "key-expiration-set",
  "key-expiry-days",
  "key-max-validity",
  "key-active-period",
  "key-rotation-scheduled",
];
export const KEY_MATERIAL = ["key-allowed-types", "key-rsa-min-size", "key-ec-curves"];
export const SECRET_LIFECYCLE = [
  "secret-expiration-set",
  "secret-expiry-days",
  "secret-max-validity",
  "secret-active-period",
];
export const CERTIFICATE_LIFECYCLE = [
  "certificate-max-validity",
  "certificate-expiry-days",
  "certificate-lifetime-action",
  "certificate-auto-renew",
];
export const CERTIFICATE_MATERIAL = [
  "certificate-allowed-key-types",
  "certificate-rsa-min-size",
  "certificate-ec-curves",
];
export const CERTIFICATE_ISSUER = ["certificate-integrated-ca", "certificate-custom-ca"];
export const APP_CREDENTIALS = [
  "app-credential-expired",
  "app-credential-expiring",
  "app-credential-lifetime",
  "app-stale-credentials",
];

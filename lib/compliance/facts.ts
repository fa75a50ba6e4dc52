/**
 * The facts a compliance rule reads: metadata only (never a secret value), shaped after what the inventory stores
 * (vaults columns, assets columns and `detail` jsonb, app_registrations, app_credentials). A fact the scan does not
 * record yet is optional: `undefined` means "not known", and a rule reading it answers "unknown" rather than guess.
 * `null` means the inventory knows the field is absent (e.g. no expiry date), which is what Azure Policy's
 * `exists: false` tests.
 */

export type Scope = "vault" | "secret" | "certificate" | "key" | "appCredential" | "app";

export interface DiagnosticLogFacts {
  category?: string | null;
  categoryGroup?: string | null;
  enabled: boolean;
  retentionPolicy?: { enabled: boolean; days: number } | null;
}

/** One diagnostic setting of a vault (Microsoft.Insights/diagnosticSettings), destinations as ids only. */
export interface DiagnosticSettingFacts {
  logs: DiagnosticLogFacts[];
  storageAccountId?: string | null;
  workspaceId?: string | null;
  eventHubAuthorizationRuleId?: string | null;
}

/**
 * An access-policy entry's permission lists ("get", "list", "all", "purge", …, any case). Vault rows scanned before
 * the key and certificate lists were recorded hold only their counts: those lists are then undefined.
 */
export interface AccessPolicyFacts {
  objectId: string | null;
  secrets: string[];
  keys?: string[];
  certificates?: string[];
}

export interface VaultFacts {
  scope: "vault";
  id: string;
  name: string;
  subscriptionId: string;
  enableSoftDelete: boolean | null;
  enablePurgeProtection: boolean | null;
  enableRbacAuthorization: boolean | null;
  publicNetworkAccess: string | null;
  networkDefaultAction: string | null;
  /** Values of networkAcls.ipRules (undefined: not recorded). */
  ipRules?: string[];
  privateEndpointCount: number | null;
  /** privateLinkServiceConnectionState.status of each private endpoint connection (undefined: not recorded). */
  privateEndpointStates?: string[];
  /** The scan's summary: some log enabled and sent to a destination. */
  diagnosticsEnabled: boolean | null;
  /** The settings themselves (undefined: not read by the last scan). */
  diagnosticSettings?: DiagnosticSettingFacts[];
  /** Microsoft.Security/pricings/KeyVaults pricingTier of the vault's subscription (undefined: not read). */
  defenderForKeyVaultTier?: string | null;
  accessPolicies?: AccessPolicyFacts[];
}

/** What secrets, keys and certificates share: the list item's attributes (assets columns). */
interface ObjectFactsBase {
  id: string;
  name: string;
  vaultId: string;
  vaultName: string;
  subscriptionId: string;
  enabled: boolean;
  /** True for the key and secret that back a certificate. */
  managed: boolean;
  createdOn: Date | null;
  notBefore: Date | null;
  expiresOn: Date | null;
}

export interface SecretFacts extends ObjectFactsBase {
  scope: "secret";
  contentType: string | null;
}

/** A key rotation policy's lifetime action, durations in ISO 8601 (e.g. "P90D"). */
export interface RotationActionFacts {
  action?: string;
  timeAfterCreate?: string;
  timeBeforeExpiry?: string;
}

export interface KeyFacts extends ObjectFactsBase {
  scope: "key";
  /** JWK kty: RSA, RSA-HSM, EC, EC-HSM, oct-HSM (undefined: the key GET was not read). */
  keyType?: string;
  keySize?: number | null;
  curve?: string | null;
  /** undefined: not read; null: the key has no rotation policy. */
  rotationPolicy?: { lifetimeActions: RotationActionFacts[] } | null;
}

export interface CertificatePolicyFacts {
  /** Issuer name of the policy: Self, Unknown, DigiCert, GlobalSign or a configured issuer's name. */
  issuerName?: string | null;
  keyType?: string | null;
  keySize?: number | null;
  keyCurveName?: string | null;
  validityInMonths?: number | null;
  lifetimeActions?: { action?: string; lifetimePercentage?: number; daysBeforeExpiry?: number }[];
}

export interface CertificateFacts extends ObjectFactsBase {
  scope: "certificate";
  /** The X.509 issuer distinguished name ("CN=…, O=…"); undefined when the certificate was not read. */
  issuer?: string | null;
  /** undefined: the certificate policy was not read. */
  policy?: CertificatePolicyFacts;
}

export interface AppCredentialFacts {
  scope: "appCredential";
  id: string;
  appObjectId: string;
  appDisplayName: string;
  type: "password" | "certificate";
  startDateTime: Date | null;
  endDateTime: Date | null;
}

export interface AppFacts {
  scope: "app";
  id: string;
  displayName: string;
  kind: "application" | "servicePrincipal";
  ownerCount: number;
  credentials: { keyId: string; endDateTime: Date | null }[];
}

export type Facts = VaultFacts | SecretFacts | KeyFacts | CertificateFacts | AppCredentialFacts | AppFacts;
export type FactsOf<S extends Scope> = Extract<Facts, { scope: S }>;

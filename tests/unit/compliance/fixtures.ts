/** Facts builders and a one-rule evaluator for the compliance tests. */
import { ruleById } from "@/lib/compliance/catalogue";
import type {
  AppCredentialFacts,
  AppFacts,
  CertificateFacts,
  Facts,
  KeyFacts,
  SecretFacts,
  Scope,
  VaultFacts,
} from "@/lib/compliance/facts";
import { DAY_MS, type Outcome, type OutcomeStatus } from "@/lib/compliance/rule";
import type { LocatedFinding } from "@/lib/compliance/score";

export const now = new Date("2026-06-01T12:00:00.000Z");
/** now + n days (fractions allowed), or + ms when given. */
export const inDays = (n: number, ms = 0) => new Date(now.getTime() + n * DAY_MS + ms);

const base = {
  id: "asset-1",
  name: "db-password",
  vaultId: "/subscriptions/s1/resourcegroups/rg/providers/microsoft.keyvault/vaults/kv-prod",
  vaultName: "kv-prod",
  subscriptionId: "s1",
  enabled: true,
  managed: false,
  createdOn: inDays(-100),
  notBefore: null,
  expiresOn: inDays(200),
};

export const secret = (o: Partial<SecretFacts> = {}): SecretFacts => ({
  ...base,
  scope: "secret",
  contentType: "password",
  ...o,
});
export const key = (o: Partial<KeyFacts> = {}): KeyFacts => ({
  ...base,
  scope: "key",
  keyType: "RSA",
  keySize: 2048,
  curve: null,
  rotationPolicy: null,
  ...o,
});
export const cert = (o: Partial<CertificateFacts> = {}): CertificateFacts => ({
  ...base,
  scope: "certificate",
  issuer: "CN=Contoso Issuing CA 1, O=Contoso",
  policy: { issuerName: "Self", keyType: "RSA", keySize: 2048, validityInMonths: 12, lifetimeActions: [] },
  ...o,
});
export const vault = (o: Partial<VaultFacts> = {}): VaultFacts => ({
  scope: "vault",
  id: base.vaultId,
  name: "kv-prod",
  subscriptionId: "s1",
  enableSoftDelete: true,
  enablePurgeProtection: true,
  enableRbacAuthorization: true,
  publicNetworkAccess: "Disabled",
  networkDefaultAction: "Deny",
  privateEndpointCount: 1,
  diagnosticsEnabled: true,
  ...o,
});
export const credential = (o: Partial<AppCredentialFacts> = {}): AppCredentialFacts => ({
  scope: "appCredential",
  id: "cred-1",
  appObjectId: "app-1",
  appDisplayName: "billing-api",
  type: "password",
  startDateTime: inDays(-100),
  endDateTime: inDays(200),
  ...o,
});
export const app = (o: Partial<AppFacts> = {}): AppFacts => ({
  scope: "app",
  id: "app-1",
  displayName: "billing-api",
  kind: "application",
  ownerCount: 1,
  credentials: [],
  ...o,
});

/** One rule's outcome on `facts` with its defaults overridden by `params`. */
export function run(ruleId: string, facts: Facts, params: Record<string, unknown> = {}, at = now): Outcome {
  const rule = ruleById(ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return rule.evaluate(facts as never, rule.params.parse(params) as never, at);
}

export const status = (ruleId: string, facts: Facts, params: Record<string, unknown> = {}, at = now) =>
  run(ruleId, facts, params, at).status;

/** A located finding in vault kv-prod (kv1) of subscription s1, a secret unless told. */
export function finding(
  ruleId: string,
  objectId: string,
  status: OutcomeStatus,
  o: Partial<LocatedFinding> & { scope?: Scope } = {},
): LocatedFinding {
  return {
    ruleId,
    objectId,
    status,
    reason: "",
    scope: "secret",
    objectName: objectId,
    vaultId: "kv1",
    vaultName: "kv-prod",
    subscriptionId: "s1",
    ...o,
  };
}

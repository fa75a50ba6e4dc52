/**
 * Facts from inventory rows, pure. The jsonb columns (`detail`, a vault's diagnostic settings, access policies, IP
 * rules) are written by the scan (lib/discovery), so they are read defensively: a field of an unexpected type counts as
 * not recorded (undefined → the rule says "unknown"), never as a guess. So do rows written before a fact was recorded.
 */
import type { appCredentials, appRegistrations, assets, vaults } from "../db/schema";
import type {
  AccessPolicyFacts,
  AppCredentialFacts,
  AppFacts,
  CertificateFacts,
  DiagnosticSettingFacts,
  KeyFacts,
  RotationActionFacts,
  SecretFacts,
  VaultFacts,
} from "./facts";

type VaultRow = typeof vaults.$inferSelect;
/** The asset columns the facts read (inventory-facts.ts selects only these). */
export type AssetFactsRow = Pick<
  typeof assets.$inferSelect,
  | "id"
  | "vaultId"
  | "subscriptionId"
  | "type"
  | "name"
  | "enabled"
  | "managed"
  | "createdOn"
  | "notBefore"
  | "expiresOn"
  | "contentType"
  | "detail"
>;
type AppRow = typeof appRegistrations.$inferSelect;
type CredentialRow = typeof appCredentials.$inferSelect;

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function vaultFacts(v: VaultRow): VaultFacts {
  return {
    scope: "vault",
    id: v.id,
    name: v.name,
    subscriptionId: v.subscriptionId,
    enableSoftDelete: v.enableSoftDelete,
    enablePurgeProtection: v.enablePurgeProtection,
    enableRbacAuthorization: v.enableRbacAuthorization,
    publicNetworkAccess: v.publicNetworkAccess,
    networkDefaultAction: v.networkDefaultAction,
    privateEndpointCount: v.privateEndpointCount,
    // rows scanned before the states were recorded have a count but an empty list: states unknown then
    privateEndpointStates:
      v.privateEndpoints.length > 0 || v.privateEndpointCount === 0
        ? v.privateEndpoints.map((e) => e.status ?? "")
        : undefined,
    diagnosticsEnabled: v.diagnosticsEnabled,
    diagnosticSettings: diagnosticSettings(v.diagnosticSettings),
    ipRules: strings(v.ipRules),
    // null: the scan could not read the plan
    defenderForKeyVaultTier: v.defenderForKeyVault ?? undefined,
    // null: not listed (RBAC vault or not read)
    accessPolicies: v.accessPolicies?.map(accessPolicy),
  };
}

/** A list of strings, or undefined when the value is not one (not recorded, or of an unexpected shape). */
function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === "string") ? v : undefined;
}

/** Rows scanned before the key and certificate lists were kept hold counts: those lists are then undefined. */
function accessPolicy(a: unknown): AccessPolicyFacts {
  const p = obj(a) ?? {};
  return {
    objectId: str(p.objectId) ?? null,
    secrets: strings(p.secrets) ?? [],
    keys: strings(p.keys),
    certificates: strings(p.certificates),
  };
}

function diagnosticSettings(v: unknown): DiagnosticSettingFacts[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map((x) => {
    const s = obj(x) ?? {};
    return {
      storageAccountId: str(s.storageAccountId) ?? null,
      workspaceId: str(s.workspaceId) ?? null,
      eventHubAuthorizationRuleId: str(s.eventHubAuthorizationRuleId) ?? null,
      logs: list(s.logs).map((y) => {
        const l = obj(y) ?? {};
        const r = obj(l.retentionPolicy);
        return {
          category: str(l.category) ?? null,
          categoryGroup: str(l.categoryGroup) ?? null,
          enabled: l.enabled === true,
          retentionPolicy: r ? { enabled: r.enabled === true, days: num(r.days) ?? 0 } : null,
        };
      }),
    };
  });
}

function rotationPolicy(v: unknown): KeyFacts["rotationPolicy"] {
  const p = obj(v);
  if (!p) return undefined;
  if (p.configured === false) return null;
  const lifetimeActions: RotationActionFacts[] = list(p.lifetimeActions).map((x) => {
    const a = obj(x) ?? {};
    return {
      action: str(a.action),
      timeAfterCreate: str(a.timeAfterCreate),
      timeBeforeExpiry: str(a.timeBeforeExpiry),
    };
  });
  return { lifetimeActions };
}

function certificatePolicy(v: unknown): CertificateFacts["policy"] {
  const p = obj(v);
  if (!p) return undefined;
  return {
    issuerName: str(p.issuerName) ?? null,
    keyType: str(p.keyType) ?? null,
    keySize: num(p.keySize) ?? null,
    keyCurveName: str(p.keyCurveName) ?? null,
    validityInMonths: num(p.validityInMonths) ?? null,
    lifetimeActions: list(p.lifetimeActions).map((x) => {
      const a = obj(x) ?? {};
      return {
        action: str(a.action),
        lifetimePercentage: num(a.lifetimePercentage),
        daysBeforeExpiry: num(a.daysBeforeExpiry),
      };
    }),
  };
}

// one object literal per scope, fields in one order: this runs for every asset of a full evaluation (100k), where
// spreading a shared base object cost more than all the rules (profiled)
export function assetFacts(a: AssetFactsRow, vaultName: string): SecretFacts | KeyFacts | CertificateFacts {
  const d = a.detail;
  if (a.type === "secret")
    return {
      scope: "secret",
      id: a.id,
      name: a.name,
      vaultId: a.vaultId,
      vaultName,
      subscriptionId: a.subscriptionId,
      enabled: a.enabled,
      managed: a.managed,
      createdOn: a.createdOn,
      notBefore: a.notBefore,
      expiresOn: a.expiresOn,
      contentType: a.contentType,
    };
  if (a.type === "key") {
    const kty = str(d.kty);
    return {
      scope: "key",
      id: a.id,
      name: a.name,
      vaultId: a.vaultId,
      vaultName,
      subscriptionId: a.subscriptionId,
      enabled: a.enabled,
      managed: a.managed,
      createdOn: a.createdOn,
      notBefore: a.notBefore,
      expiresOn: a.expiresOn,
      keyType: kty,
      keySize: kty ? (num(d.keySize) ?? null) : undefined,
      curve: kty ? (str(d.curve) ?? null) : undefined,
      rotationPolicy: rotationPolicy(d.rotationPolicy),
    };
  }
  return {
    scope: "certificate",
    id: a.id,
    name: a.name,
    vaultId: a.vaultId,
    vaultName,
    subscriptionId: a.subscriptionId,
    enabled: a.enabled,
    managed: a.managed,
    createdOn: a.createdOn,
    notBefore: a.notBefore,
    expiresOn: a.expiresOn,
    issuer: str(d.issuer),
    policy: certificatePolicy(d.policy),
  };
}

export function appFacts(app: AppRow, credentials: readonly CredentialRow[]): AppFacts {
  return {
    scope: "app",
    id: app.id,
    displayName: app.displayName,
    kind: app.kind,
    ownerCount: app.owners.length,
    credentials: credentials.map((c) => ({ keyId: c.keyId, endDateTime: c.endDateTime })),
  };
}

export function appCredentialFacts(c: CredentialRow, appDisplayName: string): AppCredentialFacts {
  return {
    scope: "appCredential",
    id: c.id,
    appObjectId: c.appObjectId,
    appDisplayName,
    type: c.type,
    startDateTime: c.startDateTime,
    endDateTime: c.endDateTime,
  };
}

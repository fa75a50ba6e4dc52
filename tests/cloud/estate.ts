// Deterministic estate generator. Everything here is a pure function of (spec, seed, now): the same inputs give the same
// subscriptions, vaults, objects, apps and secret values. Vault contents are materialised lazily (see materialiseVault) so
// 'large' and 'xl' estates only cost memory for the vaults somebody actually touches.
import { rng, hash32, type Rng } from "./rng";

/** Every generated secret value (KV, Graph secretText, AWS, GCP) contains this marker followed by random characters. */
export const CANARY_PREFIX = "CCCANARY-";
export const CANARY_REGEX = /CCCANARY-[A-Za-z0-9]{12,}/g;

export const DAY = 86400;

export type EstateName = "tiny" | "demo" | "large" | "xl";

export interface EstateSpec {
  name: string;
  seed: string;
  subscriptions: number;
  vaults: number;
  secretsPerVault: number;
  certificatesPerVault: number;
  keysPerVault: number;
  /** max versions per object (each object gets 1..versions) */
  versions: number;
  apps: number;
  /** max password credentials per app (each app gets 0..n, most have ≥1) */
  credentialsPerApp: number;
  /** App Service / Function App sites per subscription */
  sitesPerSubscription: number;
  awsSecrets: number;
  gcpSecrets: number;
  /** human-readable names (kv-payments-prod-weu) when the vault count allows it */
  humanNames: boolean;
}

export const ESTATES: Record<EstateName, EstateSpec> = {
  tiny: {
    name: "tiny",
    seed: "tiny",
    subscriptions: 2,
    vaults: 5,
    secretsPerVault: 8,
    certificatesPerVault: 2,
    keysPerVault: 2,
    versions: 3,
    apps: 5,
    credentialsPerApp: 2,
    sitesPerSubscription: 1,
    awsSecrets: 4,
    gcpSecrets: 3,
    humanNames: true,
  },
  demo: {
    name: "demo",
    seed: "demo",
    subscriptions: 8,
    vaults: 40,
    secretsPerVault: 30,
    certificatesPerVault: 12,
    keysPerVault: 8,
    versions: 4,
    apps: 60,
    credentialsPerApp: 3,
    sitesPerSubscription: 3,
    awsSecrets: 25,
    gcpSecrets: 15,
    humanNames: true,
  },
  large: {
    name: "large",
    seed: "large",
    subscriptions: 20,
    vaults: 1000,
    secretsPerVault: 60,
    certificatesPerVault: 25,
    keysPerVault: 15,
    versions: 3,
    apps: 500,
    credentialsPerApp: 3,
    sitesPerSubscription: 5,
    awsSecrets: 200,
    gcpSecrets: 100,
    humanNames: true,
  },
  xl: {
    name: "xl",
    seed: "xl",
    subscriptions: 50,
    vaults: 5000,
    secretsPerVault: 120,
    certificatesPerVault: 50,
    keysPerVault: 30,
    versions: 2,
    apps: 2000,
    credentialsPerApp: 3,
    sitesPerSubscription: 5,
    awsSecrets: 500,
    gcpSecrets: 200,
    humanNames: true,
  },
};

export type EstateInput = EstateName | (Partial<EstateSpec> & { base?: EstateName });

export function resolveSpec(input: EstateInput | undefined): EstateSpec {
  if (input === undefined) return { ...ESTATES.tiny };
  if (typeof input === "string") {
    const s = ESTATES[input];
    if (!s) throw new Error(`unknown estate '${input}' (known: ${Object.keys(ESTATES).join(", ")})`);
    return { ...s };
  }
  const base = ESTATES[input.base ?? "tiny"];
  const { base: _b, ...rest } = input;
  return { ...base, name: input.name ?? `${base.name}-custom`, ...rest };
}

// ---------------------------------------------------------------------------------------------------------------- types

export interface Identity {
  /** object id (oid claim) */
  oid: string;
  /** client id / appId of the managed identity */
  clientId: string;
  displayName: string;
}

export interface SubscriptionDef {
  subscriptionId: string;
  displayName: string;
  state: "Enabled" | "Disabled" | "Warned";
  tags: Record<string, string>;
  /** Defender for Key Vault plan */
  defenderForKeyVault: "Standard" | "Free";
}

export interface AccessPolicy {
  tenantId: string;
  objectId: string;
  permissions: { keys: string[]; secrets: string[]; certificates: string[]; storage?: string[] };
}

export interface RoleAssignment {
  id: string;
  principalId: string;
  principalType: "ServicePrincipal" | "User" | "Group";
  roleDefinitionName: string;
  scope: string;
}

export interface DiagnosticSettingDef {
  name: string;
  workspaceId?: string;
  storageAccountId?: string;
  eventHubAuthorizationRuleId?: string;
  /** retentionPolicy: storage retention (retired by Azure, still returned on old settings); absent = off, 0 days */
  logs: {
    category?: string;
    categoryGroup?: string;
    enabled: boolean;
    retentionPolicy?: { enabled: boolean; days: number };
  }[];
  metrics: { category: string; enabled: boolean }[];
}

export type VaultAccess = "full" | "metadata" | "none";
export type VaultFirewall = "open" | "allowed" | "blocked" | "private";

export interface VaultDef {
  index: number;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  id: string;
  tags: Record<string, string>;
  sku: "standard" | "premium";
  enableRbacAuthorization: boolean;
  enableSoftDelete: boolean;
  softDeleteRetentionInDays: number;
  enablePurgeProtection: boolean;
  enabledForDeployment: boolean;
  enabledForDiskEncryption: boolean;
  enabledForTemplateDeployment: boolean;
  publicNetworkAccess: "Enabled" | "Disabled";
  networkAcls: {
    bypass: "AzureServices" | "None";
    defaultAction: "Allow" | "Deny";
    ipRules: { value: string }[];
    virtualNetworkRules: { id: string; ignoreMissingVnetServiceEndpoint: boolean }[];
  } | null;
  privateEndpointConnections: { id: string; privateEndpointId: string; status: "Approved" | "Pending" | "Rejected" }[];
  /** the scanner reaches this vault through its private endpoint (only matters when publicNetworkAccess is Disabled) */
  privateLinkReachable: boolean;
  diagnostics: DiagnosticSettingDef[];
  accessPolicies: AccessPolicy[];
  roleAssignments: RoleAssignment[];
  createdAt: number;
  counts: { secrets: number; certificates: number; keys: number };
  /** generator intent, for tests: what the product identity may do */
  access: VaultAccess;
  /** generator intent, for tests */
  firewall: VaultFirewall;
  /** ARM-only vault (created through control.addVault) */
  seeded: boolean;
}

export interface PasswordCredentialDef {
  customKeyIdentifier: string | null;
  displayName: string | null;
  endDateTime: string | null;
  hint: string;
  keyId: string;
  startDateTime: string;
  /** never returned by GET; only by addPassword. Also stored in Key Vault for linked apps. */
  secretText: string;
}

export interface KeyCredentialDef {
  customKeyIdentifier: string;
  displayName: string;
  endDateTime: string;
  keyId: string;
  startDateTime: string;
  type: "AsymmetricX509Cert";
  usage: "Verify" | "Sign";
  key: string | null;
}

export interface UserDef {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail: string;
}

export interface AppDef {
  id: string;
  appId: string;
  displayName: string;
  createdDateTime: string;
  signInAudience: string;
  publisherDomain: string;
  identifierUris: string[];
  passwordCredentials: PasswordCredentialDef[];
  keyCredentials: KeyCredentialDef[];
  ownerIds: string[];
  tags: string[];
  /** service principal for this app */
  sp: {
    id: string;
    displayName: string;
    accountEnabled: boolean;
    passwordCredentials: PasswordCredentialDef[];
    keyCredentials: KeyCredentialDef[];
  };
  /** how the app's first client secret is stored in Key Vault (generator intent, for tests) */
  link: "tags" | "naming" | "none";
}

export interface AppSecretLink {
  appIndex: number;
  vaultIndex: number;
  secretName: string;
  mode: "tags" | "naming";
  keyId: string;
  appId: string;
  secretText: string;
  endDateTime: string | null;
}

export interface SiteSettingDef {
  name: string;
  /** plain value, or a Key Vault reference rendered at request time (needs the vault's local origin) */
  value?: string;
  /** `pinned`: a versioned reference to the secret's first version (resolved when rendered) */
  ref?: { vaultIndex: number; secretName: string; version?: string; pinned?: boolean; form: "SecretUri" | "VaultName" };
  /** connection strings only: the ARM connection string type */
  type?: string;
}

/** A Container App whose secrets reference Key Vault (`keyVaultUrl` + `identity`), as ARM returns them (no values). */
export interface ContainerAppDef {
  id: string;
  name: string;
  location: string;
  subscriptionId: string;
  resourceGroup: string;
  principalId: string;
  /** `ref`: generated; `keyVaultUrl` / `value`: as a PATCH left them (value: a plain secret, never returned by GET) */
  secrets: { name: string; ref?: NonNullable<SiteSettingDef["ref"]>; keyVaultUrl?: string; value?: string }[];
}

export interface SiteDef {
  id: string;
  name: string;
  kind: string;
  location: string;
  subscriptionId: string;
  resourceGroup: string;
  principalId: string;
  settings: SiteSettingDef[];
  connectionStrings: SiteSettingDef[];
}

export interface AwsSecretSeed {
  name: string;
  description: string;
  tags: { Key: string; Value: string }[];
  values: string[]; // oldest first; last is AWSCURRENT, previous AWSPREVIOUS
  rotationEnabled: boolean;
  createdDate: number;
}

export interface GcpSecretSeed {
  secretId: string;
  labels: Record<string, string>;
  values: string[];
  createTime: number;
  expireTime?: number;
}

export interface Estate {
  spec: EstateSpec;
  /** unix seconds the distributions are relative to */
  now: number;
  tenantId: string;
  productIdentity: Identity;
  /** other principals that appear in access policies / role assignments (humans, pipelines) */
  otherPrincipals: { oid: string; displayName: string; type: "User" | "ServicePrincipal" | "Group" }[];
  subscriptions: SubscriptionDef[];
  vaults: VaultDef[];
  users: UserDef[];
  apps: AppDef[];
  appLinks: Map<number, AppSecretLink[]>;
  sites: SiteDef[];
  containerApps: ContainerAppDef[];
  aws: { accountId: string; region: string; secrets: AwsSecretSeed[] };
  gcp: { projectId: string; projectNumber: string; secrets: GcpSecretSeed[] };
}

// --------------------------------------------------------------------------------------------------------------- naming

const SUB_NAMES = [
  "Contoso Production",
  "Contoso Development",
  "Contoso Shared Services",
  "Contoso Payments Prod",
  "Contoso Data Platform",
  "Contoso Staging",
  "Contoso Identity",
  "Contoso Sandbox",
];
const WORKLOADS = [
  "payments",
  "orders",
  "identity",
  "billing",
  "catalog",
  "search",
  "checkout",
  "shipping",
  "reporting",
  "crm",
  "hr",
  "analytics",
  "gateway",
  "mobile",
  "partner",
  "inventory",
  "loyalty",
  "pricing",
  "ledger",
  "notify",
  "fraud",
  "media",
  "ops",
  "platform",
];
const ENVS = ["prod", "dev", "test", "stg"];
const REGIONS: [string, string][] = [
  ["weu", "westeurope"],
  ["neu", "northeurope"],
  ["eus", "eastus"],
  ["eus2", "eastus2"],
  ["uks", "uksouth"],
  ["sea", "southeastasia"],
];
const OWNERS = [
  "platform-team@contoso.com",
  "payments-team@contoso.com",
  "identity-team@contoso.com",
  "data-team@contoso.com",
  "secops@contoso.com",
  "jane.doe@contoso.com",
  "raj.patel@contoso.com",
];
const APP_WORDS = [
  "Payments",
  "Orders",
  "Identity",
  "Billing",
  "Catalog",
  "Search",
  "Checkout",
  "Shipping",
  "Reporting",
  "CRM",
  "HR Portal",
  "Analytics",
  "Gateway",
  "Mobile",
  "Partner",
  "Inventory",
  "Loyalty",
  "Pricing",
  "Ledger",
  "Notifications",
  "Fraud",
  "Media",
  "Ops",
  "Platform",
];
const APP_KINDS = ["API", "Web", "Worker", "Daemon", "Connector", "Sync"];
const SECRET_BASES = [
  "db-password",
  "sql-admin-password",
  "storage-connection-string",
  "redis-key",
  "servicebus-connection",
  "api-key",
  "jwt-signing-secret",
  "smtp-password",
  "sftp-password",
  "cosmos-key",
  "eventhub-key",
  "webhook-secret",
  "oauth-client-secret",
  "encryption-passphrase",
  "ldap-bind-password",
  "registry-token",
];
const CERT_BASES = [
  "www",
  "api",
  "portal",
  "mtls-client",
  "sso-signing",
  "internal",
  "partner-gw",
  "payments",
  "login",
  "cdn",
];
const KEY_BASES = ["cmk-storage", "cmk-sql", "signing-key", "wrap-key", "disk-encryption", "token-signing", "data-key"];
const FIRST = ["Jane", "Raj", "Maria", "Chen", "Olu", "Sara", "Tom", "Ana", "Ivan", "Lena", "Omar", "Mia"];
const LAST = [
  "Doe",
  "Patel",
  "Garcia",
  "Wei",
  "Adeyemi",
  "Berg",
  "Novak",
  "Silva",
  "Petrov",
  "Klein",
  "Haddad",
  "Rossi",
];

export function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

function vaultNameFor(
  spec: EstateSpec,
  i: number,
): { name: string; workload: string; env: string; region: [string, string] } {
  const r = rng(spec.seed, "vaultname", i);
  const combos = WORKLOADS.length * ENVS.length * REGIONS.length;
  // Walk the combo space with a stride coprime to its size so the first N are distinct and varied.
  const c = (i * 7919 + (hash32(spec.seed) % combos)) % combos;
  const workload = WORKLOADS[c % WORKLOADS.length];
  const env = ENVS[Math.floor(c / WORKLOADS.length) % ENVS.length];
  const region = REGIONS[Math.floor(c / (WORKLOADS.length * ENVS.length)) % REGIONS.length];
  void r;
  if (spec.humanNames && spec.vaults <= combos)
    return { name: `kv-${workload}-${env}-${region[0]}`, workload, env, region };
  const n = `kv-${workload.slice(0, 7)}-${env}-${i.toString(36).padStart(4, "0")}`;
  return { name: n.slice(0, 24), workload, env, region };
}

// ---------------------------------------------------------------------------------------------------- expiry buckets

export type Bucket = "expired" | "1d" | "7d" | "14d" | "30d" | "90d" | "later" | "none" | "notYetValid" | "disabled";

/** weighted cycle; objects pick entries round-robin with a per-vault offset, so even 'tiny' covers every bucket */
const BUCKET_CYCLE: Bucket[] = [
  "later",
  "expired",
  "30d",
  "none",
  "90d",
  "later",
  "7d",
  "none",
  "later",
  "14d",
  "expired",
  "90d",
  "1d",
  "later",
  "disabled",
  "none",
  "30d",
  "notYetValid",
  "later",
  "90d",
];

export function bucketFor(vaultIndex: number, kindOffset: number, j: number): Bucket {
  return BUCKET_CYCLE[(vaultIndex * 7 + kindOffset + j) % BUCKET_CYCLE.length];
}

/** exp (unix s) for a bucket relative to now; undefined = no expiry */
export function expForBucket(b: Bucket, now: number, r: Rng): number | undefined {
  switch (b) {
    case "expired":
      return now - r.int(1, 400) * DAY - r.int(0, DAY);
    case "1d":
      return now + r.int(3600, DAY - 3600);
    case "7d":
      return now + r.int(2 * DAY, 7 * DAY - 3600);
    case "14d":
      return now + r.int(8 * DAY, 14 * DAY - 3600);
    case "30d":
      return now + r.int(15 * DAY, 30 * DAY - 3600);
    case "90d":
      return now + r.int(31 * DAY, 90 * DAY - 3600);
    case "later":
      return now + r.int(91 * DAY, 730 * DAY);
    case "none":
      return undefined;
    case "notYetValid":
      return now + r.int(200 * DAY, 500 * DAY);
    case "disabled":
      return r.chance(0.5) ? now + r.int(30 * DAY, 365 * DAY) : undefined;
  }
}

// ------------------------------------------------------------------------------------------------------------ roles

/** data actions (relative to Microsoft.KeyVault/vaults/) per built-in role, as published for Key Vault RBAC */
export const ROLE_DATA_ACTIONS: Record<string, string[]> = {
  "Key Vault Administrator": ["*"],
  "Key Vault Reader": ["*/read", "secrets/readMetadata/action"],
  "Key Vault Secrets User": ["secrets/getSecret/action", "secrets/readMetadata/action"],
  "Key Vault Secrets Officer": ["secrets/*"],
  "Key Vault Certificates Officer": ["certificatecas/*", "certificates/*", "certificatecontacts/write"],
  "Key Vault Certificate User": [
    "certificates/read",
    "secrets/getSecret/action",
    "secrets/readMetadata/action",
    "keys/read",
  ],
  "Key Vault Crypto Officer": ["keys/*", "keyrotationpolicies/*"],
  "Key Vault Crypto User": [
    "keys/read",
    "keys/update/action",
    "keys/backup/action",
    "keys/encrypt/action",
    "keys/decrypt/action",
    "keys/wrap/action",
    "keys/unwrap/action",
    "keys/sign/action",
    "keys/verify/action",
  ],
  "Key Vault Crypto Service Encryption User": ["keys/read", "keys/wrap/action", "keys/unwrap/action"],
};

const ALL_SECRET_PERMS = ["get", "list", "set", "delete", "backup", "restore", "recover", "purge"];
const ALL_CERT_PERMS = [
  "get",
  "list",
  "delete",
  "create",
  "import",
  "update",
  "managecontacts",
  "getissuers",
  "listissuers",
  "setissuers",
  "deleteissuers",
  "manageissuers",
  "recover",
  "purge",
];
const ALL_KEY_PERMS = [
  "encrypt",
  "decrypt",
  "wrapKey",
  "unwrapKey",
  "sign",
  "verify",
  "get",
  "list",
  "create",
  "update",
  "import",
  "delete",
  "backup",
  "restore",
  "recover",
  "purge",
  "getrotationpolicy",
  "setrotationpolicy",
  "rotate",
];

// ---------------------------------------------------------------------------------------------------------- generate

export function generateEstate(specIn: EstateInput | undefined, opts: { now?: Date | number } = {}): Estate {
  const spec = resolveSpec(specIn);
  const now = Math.floor(
    (opts.now === undefined ? Date.now() : typeof opts.now === "number" ? opts.now : opts.now.getTime()) / 1000,
  );
  const g = rng(spec.seed, "estate");
  const tenantId = g.guid();
  const productIdentity: Identity = { oid: g.guid(), clientId: g.guid(), displayName: "id-certifyclouds-scanner" };
  const otherPrincipals: Estate["otherPrincipals"] = [
    { oid: g.guid(), displayName: "Jane Doe", type: "User" },
    { oid: g.guid(), displayName: "sp-deploy-pipeline", type: "ServicePrincipal" },
    { oid: g.guid(), displayName: "grp-platform-admins", type: "Group" },
    { oid: g.guid(), displayName: "Raj Patel", type: "User" },
  ];

  const subscriptions: SubscriptionDef[] = [];
  for (let s = 0; s < spec.subscriptions; s++) {
    const r = rng(spec.seed, "sub", s);
    const displayName = s < SUB_NAMES.length ? SUB_NAMES[s] : `Contoso Landing Zone ${String(s + 1).padStart(3, "0")}`;
    subscriptions.push({
      subscriptionId: r.guid(),
      displayName,
      state: s > 0 && s % 11 === 10 ? "Disabled" : "Enabled",
      tags: {
        costCenter: `CC-${1000 + s}`,
        environment: /prod/i.test(displayName) ? "prod" : s % 2 ? "dev" : "shared",
      },
      defenderForKeyVault: s % 3 === 1 ? "Free" : "Standard",
    });
  }

  const vaults: VaultDef[] = [];
  for (let i = 0; i < spec.vaults; i++)
    vaults.push(makeVault(spec, now, tenantId, productIdentity, otherPrincipals, subscriptions, i));

  // users (owners)
  const users: UserDef[] = [];
  const nUsers = Math.max(4, Math.min(200, Math.ceil(spec.apps / 4)));
  for (let u = 0; u < nUsers; u++) {
    const r = rng(spec.seed, "user", u);
    const f = FIRST[u % FIRST.length],
      l = LAST[Math.floor(u / FIRST.length) % LAST.length];
    const suffix = u >= FIRST.length * LAST.length ? String(u) : "";
    const upn = `${f}.${l}${suffix}@contoso.com`.toLowerCase();
    users.push({
      id: r.guid(),
      displayName: `${f} ${l}${suffix ? " " + suffix : ""}`,
      userPrincipalName: upn,
      mail: upn,
    });
  }

  // apps
  const apps: AppDef[] = [];
  const appLinks = new Map<number, AppSecretLink[]>();
  const reachableVaults = vaults.filter((v) => v.access === "full" && v.firewall !== "blocked").map((v) => v.index);
  for (let a = 0; a < spec.apps; a++) {
    const app = makeApp(spec, now, users, a);
    apps.push(app);
    if (app.link !== "none" && app.passwordCredentials.length > 0 && vaults.length > 0) {
      const pool = reachableVaults.length ? reachableVaults : vaults.map((v) => v.index);
      const vaultIndex = pool[(a * 31 + 3) % pool.length];
      const cred = app.passwordCredentials[app.passwordCredentials.length - 1];
      const appSlug = slug(app.displayName);
      const link: AppSecretLink = {
        appIndex: a,
        vaultIndex,
        secretName: app.link === "naming" ? `app-${appSlug}-client-secret` : `${appSlug}-sp-credential`,
        mode: app.link,
        keyId: cred.keyId,
        appId: app.appId,
        secretText: cred.secretText,
        endDateTime: cred.endDateTime,
      };
      const list = appLinks.get(vaultIndex) ?? [];
      // names must be unique inside a vault
      if (list.some((l) => l.secretName === link.secretName)) link.secretName += `-${a}`;
      list.push(link);
      appLinks.set(vaultIndex, list);
    }
  }

  // sites with Key Vault references
  const sites: SiteDef[] = [];
  for (let s = 0; s < spec.subscriptions; s++) {
    const sub = subscriptions[s];
    const subVaults = vaults.filter((v) => v.subscriptionId === sub.subscriptionId);
    for (let k = 0; k < spec.sitesPerSubscription; k++) {
      const r = rng(spec.seed, "site", s, k);
      const w = WORKLOADS[(s * 5 + k) % WORKLOADS.length];
      const isFunc = k % 2 === 1;
      const name = `${isFunc ? "func" : "app"}-${w}-${s}${k}`;
      const rg = `rg-${w}-apps`;
      const settings: SiteSettingDef[] = [
        { name: "ASPNETCORE_ENVIRONMENT", value: "Production" },
        { name: "APPLICATIONINSIGHTS_CONNECTION_STRING", value: `InstrumentationKey=${r.guid()}` },
      ];
      if (isFunc) settings.push({ name: "FUNCTIONS_WORKER_RUNTIME", value: "node" });
      const target = subVaults.length ? subVaults : vaults;
      if (target.length) {
        for (let q = 0; q < 3; q++) {
          const v = target[(k * 3 + q) % target.length];
          const secretName = secretNameFor(spec, v.index, q % Math.max(1, v.counts.secrets), appLinks.get(v.index));
          const form = q === 2 ? "VaultName" : "SecretUri";
          settings.push({
            name: `${["DB_PASSWORD", "STORAGE_CONNECTION", "API_KEY"][q]}`,
            ref: { vaultIndex: v.index, secretName, form },
          });
        }
        // a dangling reference (secret does not exist)
        if (k === 0)
          settings.push({
            name: "LEGACY_SECRET",
            ref: { vaultIndex: target[0].index, secretName: "does-not-exist", form: "SecretUri" },
          });
      }
      // a versioned reference (pinned to the first version): it keeps the old value after a rotation
      const connectionStrings: SiteSettingDef[] = [];
      if (target.length) {
        const v = target[k % target.length];
        const secretName = secretNameFor(spec, v.index, 0, appLinks.get(v.index));
        connectionStrings.push({
          name: "ServiceBus",
          type: "Custom",
          ref: { vaultIndex: v.index, secretName, pinned: true, form: "SecretUri" },
        });
      }
      sites.push({
        connectionStrings,
        id: `/subscriptions/${sub.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Web/sites/${name}`,
        name,
        kind: isFunc ? "functionapp,linux" : "app",
        location: REGIONS[(s + k) % REGIONS.length][1],
        subscriptionId: sub.subscriptionId,
        resourceGroup: rg,
        principalId: r.guid(),
        settings,
      });
    }
  }

  // Container Apps: one per app-linked secret in every other vault, versionless and versioned references alternating
  const containerApps: ContainerAppDef[] = [];
  for (const [vaultIndex, links] of appLinks) {
    const v = vaults.find((x) => x.index === vaultIndex)!;
    links.forEach((l, j) => {
      if ((vaultIndex + j) % 2) return;
      const r = rng(spec.seed, "aca", vaultIndex, j);
      const name = `ca-${slug(apps[l.appIndex].displayName)}`.slice(0, 32).replace(/-+$/, "");
      const rg = `rg-${name.slice(3)}`;
      containerApps.push({
        id: `/subscriptions/${v.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.App/containerApps/${name}`,
        name,
        location: v.location,
        subscriptionId: v.subscriptionId,
        resourceGroup: rg,
        principalId: r.guid(),
        secrets: [
          {
            name: "client-secret",
            ref: { vaultIndex, secretName: l.secretName, pinned: j % 4 === 2, form: "SecretUri" },
          },
        ],
      });
    });
  }

  // AWS / GCP seeds
  const awsSecrets: AwsSecretSeed[] = [];
  for (let k = 0; k < spec.awsSecrets; k++) {
    const r = rng(spec.seed, "aws", k);
    const w = WORKLOADS[k % WORKLOADS.length];
    const env = ENVS[Math.floor(k / WORKLOADS.length) % ENVS.length];
    const nv = r.int(1, 3);
    awsSecrets.push({
      name: `${env}/${w}/${SECRET_BASES[k % SECRET_BASES.length]}${k >= WORKLOADS.length * ENVS.length ? "-" + k : ""}`,
      description: `${w} ${SECRET_BASES[k % SECRET_BASES.length]} (${env})`,
      tags: [
        { Key: "owner", Value: OWNERS[k % OWNERS.length] },
        { Key: "environment", Value: env },
      ],
      values: Array.from({ length: nv }, () => canaryValue(r)),
      rotationEnabled: k % 3 === 0,
      createdDate: now - r.int(10, 700) * DAY,
    });
  }
  const gcpSecrets: GcpSecretSeed[] = [];
  for (let k = 0; k < spec.gcpSecrets; k++) {
    const r = rng(spec.seed, "gcp", k);
    const w = WORKLOADS[(k + 3) % WORKLOADS.length];
    const nv = r.int(1, 3);
    const b = bucketFor(k, 5, 0);
    const exp =
      b === "none" || b === "later" || b === "disabled"
        ? undefined
        : expForBucket(b === "notYetValid" ? "later" : b, now, r);
    gcpSecrets.push({
      secretId: `${w}-${SECRET_BASES[(k + 2) % SECRET_BASES.length]}${k >= WORKLOADS.length ? "-" + k : ""}`,
      labels: {
        owner: OWNERS[k % OWNERS.length].split("@")[0].replace(/\./g, "-"),
        environment: ENVS[k % ENVS.length],
      },
      values: Array.from({ length: nv }, () => canaryValue(r)),
      createTime: now - r.int(10, 700) * DAY,
      expireTime: exp !== undefined && exp > now ? exp : undefined,
    });
  }
  const ga = rng(spec.seed, "cloud-accounts");
  return {
    spec,
    now,
    tenantId,
    productIdentity,
    otherPrincipals,
    subscriptions,
    vaults,
    users,
    apps,
    appLinks,
    sites,
    containerApps,
    aws: { accountId: String(100000000000 + ga.int(0, 899999999999)), region: "eu-west-1", secrets: awsSecrets },
    gcp: {
      projectId: `contoso-${spec.name.replace(/[^a-z0-9-]/g, "")}-secrets`.slice(0, 30),
      projectNumber: String(ga.int(100000000000, 999999999999)),
      secrets: gcpSecrets,
    },
  };
}

export function canaryValue(r: Rng, shape: "plain" | "json" | "conn" = "plain"): string {
  const c = CANARY_PREFIX + r.token(24);
  if (shape === "json") return JSON.stringify({ apiKey: c, issuedBy: "contoso" });
  if (shape === "conn")
    return `Server=tcp:sql-contoso.database.windows.net,1433;User ID=app;Password=${c};Encrypt=True;`;
  return c;
}

/**
 * Beyond the five fixed vaults: the compliance-relevant variety a real estate has (drawn from its own stream, so the
 * rest of the estate is unchanged): firewall bypass None, pending and rejected private endpoints, diagnostic settings
 * with only non-audit categories, none enabled (metrics only) or a short storage retention.
 */
function varyPosture(
  p: Rng,
  firewall: VaultFirewall,
  acls: VaultDef["networkAcls"],
  pes: VaultDef["privateEndpointConnections"],
  diagnostics: DiagnosticSettingDef[],
  id: string,
  name: string,
  subscriptionId: string,
): void {
  if (acls && firewall !== "private" && p.chance(0.35)) acls.bypass = "None";
  const pe = (suffix: string, status: "Pending" | "Rejected") =>
    pes.push({
      id: `${id}/privateEndpointConnections/pe-${name}-${suffix}`,
      privateEndpointId: `/subscriptions/${subscriptionId}/resourceGroups/rg-partner/providers/Microsoft.Network/privateEndpoints/pe-${name}-${suffix}`,
      status,
    });
  const x = p.next();
  if (firewall === "private" ? x < 0.3 : x < 0.12) pe("partner", x < 0.06 ? "Pending" : "Rejected");
  const d = diagnostics[0];
  if (!d) return;
  const y = p.next();
  if (y < 0.15)
    d.logs = [
      { category: "AuditEvent", enabled: false },
      { category: "AzurePolicyEvaluationDetails", enabled: true },
    ];
  else if (y < 0.25) d.logs = d.logs.map((l) => ({ ...l, enabled: false }));
  else if (y < 0.4 && d.storageAccountId)
    d.logs = d.logs.map((l) => ({ ...l, retentionPolicy: { enabled: true, days: p.pick([30, 90, 365, 0]) } }));
}

function makeVault(
  spec: EstateSpec,
  now: number,
  tenantId: string,
  product: Identity,
  others: Estate["otherPrincipals"],
  subs: SubscriptionDef[],
  i: number,
): VaultDef {
  const r = rng(spec.seed, "vault", i);
  const { name, workload, env, region } = vaultNameFor(spec, i);
  const sub = subs[i % subs.length];
  const rg = `rg-${workload}-${env}`;
  const id = `/subscriptions/${sub.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${name}`;

  // The first five vaults follow a fixed pattern so every estate (even tiny) covers every authorization/network case:
  // 0 RBAC full + purge protection, 1 access-policy full behind an allowing firewall, 2 firewall-blocked,
  // 3 RBAC without any role for the product, 4 access-policy metadata-only (list, no get) with soft delete off.
  let rbac: boolean, access: VaultAccess, firewall: VaultFirewall, softDelete: boolean, purge: boolean, diag: boolean;
  switch (i) {
    case 0:
      rbac = true;
      access = "full";
      firewall = "open";
      softDelete = true;
      purge = true;
      diag = true;
      break;
    case 1:
      rbac = false;
      access = "full";
      firewall = "allowed";
      softDelete = true;
      purge = false;
      diag = false;
      break;
    case 2:
      rbac = true;
      access = "full";
      firewall = "blocked";
      softDelete = true;
      purge = true;
      diag = true;
      break;
    case 3:
      rbac = true;
      access = "none";
      firewall = "open";
      softDelete = true;
      purge = false;
      diag = true;
      break;
    case 4:
      rbac = false;
      access = "metadata";
      firewall = "open";
      softDelete = false;
      purge = false;
      diag = false;
      break;
    default: {
      rbac = r.chance(0.6);
      const a = r.next();
      access = a < 0.05 ? "none" : a < 0.15 ? "metadata" : "full";
      const f = r.next();
      firewall = f < 0.05 ? "blocked" : f < 0.2 ? "private" : f < 0.35 ? "allowed" : "open";
      softDelete = r.chance(0.92);
      purge = softDelete && r.chance(0.5);
      diag = r.chance(0.65);
    }
  }
  const accessPolicies: AccessPolicy[] = [];
  const roleAssignments: RoleAssignment[] = [];
  const ra = (principalId: string, principalType: RoleAssignment["principalType"], role: string) =>
    roleAssignments.push({
      id: `${id}/providers/Microsoft.Authorization/roleAssignments/${rng(spec.seed, "ra", i, roleAssignments.length).guid()}`,
      principalId,
      principalType,
      roleDefinitionName: role,
      scope: id,
    });
  if (rbac) {
    ra(others[2].oid, "Group", "Key Vault Administrator");
    ra(others[1].oid, "ServicePrincipal", "Key Vault Secrets Officer");
    if (access === "full") {
      ra(product.oid, "ServicePrincipal", "Key Vault Reader");
      ra(product.oid, "ServicePrincipal", "Key Vault Secrets User");
    } else if (access === "metadata") {
      ra(product.oid, "ServicePrincipal", "Key Vault Reader");
    }
  } else {
    accessPolicies.push({
      tenantId,
      objectId: others[0].oid,
      permissions: { keys: [...ALL_KEY_PERMS], secrets: [...ALL_SECRET_PERMS], certificates: [...ALL_CERT_PERMS] },
    });
    accessPolicies.push({
      tenantId,
      objectId: others[1].oid,
      permissions: { keys: ["get", "list"], secrets: ["get", "list", "set"], certificates: ["get", "list", "import"] },
    });
    if (access === "full")
      accessPolicies.push({
        tenantId,
        objectId: product.oid,
        permissions: {
          keys: ["get", "list", "getrotationpolicy"],
          secrets: ["get", "list"],
          certificates: ["get", "list"],
        },
      });
    else if (access === "metadata")
      accessPolicies.push({
        tenantId,
        objectId: product.oid,
        permissions: { keys: ["list"], secrets: ["list"], certificates: ["list"] },
      });
  }
  let publicNetworkAccess: VaultDef["publicNetworkAccess"] = "Enabled";
  let networkAcls: VaultDef["networkAcls"] = null;
  const privateEndpointConnections: VaultDef["privateEndpointConnections"] = [];
  if (firewall === "allowed")
    networkAcls = {
      bypass: "AzureServices",
      defaultAction: "Deny",
      ipRules: [{ value: "127.0.0.1/32" }, { value: "203.0.113.0/24" }],
      virtualNetworkRules: [],
    };
  if (firewall === "blocked")
    networkAcls = {
      bypass: "AzureServices",
      defaultAction: "Deny",
      ipRules: [{ value: "198.51.100.7/32" }],
      virtualNetworkRules: [],
    };
  if (firewall === "open" && r.chance(0.3))
    networkAcls = { bypass: "AzureServices", defaultAction: "Allow", ipRules: [], virtualNetworkRules: [] };
  if (firewall === "private") {
    publicNetworkAccess = "Disabled";
    networkAcls = { bypass: "None", defaultAction: "Deny", ipRules: [], virtualNetworkRules: [] };
    privateEndpointConnections.push({
      id: `${id}/privateEndpointConnections/pe-${name}`,
      privateEndpointId: `/subscriptions/${sub.subscriptionId}/resourceGroups/rg-network/providers/Microsoft.Network/privateEndpoints/pe-${name}`,
      status: "Approved",
    });
  }
  const diagnostics: DiagnosticSettingDef[] = diag
    ? [
        {
          name: "send-to-law",
          workspaceId: `/subscriptions/${sub.subscriptionId}/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/law-contoso-${env}`,
          storageAccountId:
            i % 2 === 0
              ? `/subscriptions/${sub.subscriptionId}/resourceGroups/rg-monitoring/providers/Microsoft.Storage/storageAccounts/stcontosologs${i % 10}`
              : undefined,
          eventHubAuthorizationRuleId:
            i % 4 === 0
              ? `/subscriptions/${sub.subscriptionId}/resourceGroups/rg-monitoring/providers/Microsoft.EventHub/namespaces/evh-contoso-siem/authorizationrules/RootManageSharedAccessKey`
              : undefined,
          logs: r.chance(0.8)
            ? [
                { categoryGroup: "audit", enabled: true },
                { categoryGroup: "allLogs", enabled: true },
              ]
            : [
                { category: "AuditEvent", enabled: true },
                { category: "AzurePolicyEvaluationDetails", enabled: false },
              ],
          metrics: [{ category: "AllMetrics", enabled: true }],
        },
      ]
    : [];
  if (i >= 5)
    varyPosture(
      rng(spec.seed, "vault-posture", i),
      firewall,
      networkAcls,
      privateEndpointConnections,
      diagnostics,
      id,
      name,
      sub.subscriptionId,
    );
  const tags: Record<string, string> = {};
  if (i % 5 !== 4) tags.owner = OWNERS[i % OWNERS.length];
  if (i % 7 !== 6) tags.environment = env;
  if (i % 3 === 0) tags.costCenter = `CC-${2000 + (i % 50)}`;
  return {
    index: i,
    name,
    subscriptionId: sub.subscriptionId,
    resourceGroup: rg,
    location: region[1],
    id,
    tags,
    sku: r.chance(0.2) ? "premium" : "standard",
    enableRbacAuthorization: rbac,
    enableSoftDelete: softDelete,
    softDeleteRetentionInDays: softDelete ? r.pick([90, 90, 90, 30, 7]) : 90,
    enablePurgeProtection: purge,
    enabledForDeployment: r.chance(0.2),
    enabledForDiskEncryption: r.chance(0.3),
    enabledForTemplateDeployment: r.chance(0.3),
    publicNetworkAccess,
    networkAcls,
    privateEndpointConnections,
    privateLinkReachable: true,
    diagnostics,
    accessPolicies,
    roleAssignments,
    createdAt: now - r.int(30, 1500) * DAY,
    counts: { secrets: spec.secretsPerVault, certificates: spec.certificatesPerVault, keys: spec.keysPerVault },
    access,
    firewall,
    seeded: true,
  };
}

function isoSeconds(unix: number): string {
  return new Date(unix * 1000).toISOString().replace(".000Z", "Z");
}

function makeApp(spec: EstateSpec, now: number, users: UserDef[], a: number): AppDef {
  const r = rng(spec.seed, "app", a);
  const base = `${APP_WORDS[a % APP_WORDS.length]} ${APP_KINDS[Math.floor(a / APP_WORDS.length) % APP_KINDS.length]}`;
  const round = Math.floor(a / (APP_WORDS.length * APP_KINDS.length));
  const displayName = round ? `${base} ${round + 1}` : base;
  const nCreds = a % 9 === 8 ? 0 : r.int(1, Math.max(1, spec.credentialsPerApp));
  const passwordCredentials: PasswordCredentialDef[] = [];
  for (let k = 0; k < nCreds; k++) {
    const b = bucketFor(a, 11, k);
    const cr = rng(spec.seed, "appcred", a, k);
    let end = expForBucket(b === "none" || b === "disabled" || b === "notYetValid" ? "later" : b, now, cr)!;
    if (b === "none" && k === 0 && a % 13 === 0) end = now + 99 * 365 * DAY; // "never expires" style
    const start = Math.min(now - DAY, end - cr.int(180, 730) * DAY);
    passwordCredentials.push(makePassword(cr, start, end, k === 0 ? "CI secret" : `rotation ${k}`));
  }
  const keyCredentials: KeyCredentialDef[] = [];
  if (a % 4 === 1) {
    const cr = rng(spec.seed, "appkey", a);
    const end = expForBucket(
      bucketFor(a, 13, 0) === "none"
        ? "later"
        : bucketFor(a, 13, 0) === "disabled"
          ? "90d"
          : bucketFor(a, 13, 0) === "notYetValid"
            ? "later"
            : bucketFor(a, 13, 0),
      now,
      cr,
    )!;
    const start = end - 365 * DAY;
    keyCredentials.push({
      customKeyIdentifier: cr.hex(40).toUpperCase(),
      displayName: `CN=${slug(displayName)}.contoso.com`,
      endDateTime: isoSeconds(end),
      keyId: cr.guid(),
      startDateTime: isoSeconds(start),
      type: "AsymmetricX509Cert",
      usage: "Verify",
      key: null,
    });
  }
  const ownerIds: string[] = [];
  const nOwners = a % 10 === 9 ? 0 : r.int(1, 2);
  for (let o = 0; o < nOwners; o++) {
    const u = users[(a * 3 + o) % users.length].id;
    if (!ownerIds.includes(u)) ownerIds.push(u);
  }
  const link: AppDef["link"] = a % 3 === 0 ? "tags" : a % 3 === 1 ? "naming" : "none";
  const spPw: PasswordCredentialDef[] = [];
  if (a % 6 === 5) {
    const cr = rng(spec.seed, "spcred", a);
    const end = now + cr.int(-20, 200) * DAY;
    spPw.push(makePassword(cr, end - 365 * DAY, end, "sp secret"));
  }
  return {
    id: r.guid(),
    appId: r.guid(),
    displayName,
    createdDateTime: isoSeconds(now - r.int(30, 1500) * DAY),
    signInAudience: a % 5 === 0 ? "AzureADMultipleOrgs" : "AzureADMyOrg",
    publisherDomain: "contoso.com",
    identifierUris: a % 2 ? [`api://${slug(displayName)}`] : [],
    passwordCredentials,
    keyCredentials,
    ownerIds,
    tags: [],
    sp: { id: r.guid(), displayName, accountEnabled: a % 17 !== 16, passwordCredentials: spPw, keyCredentials: [] },
    link,
  };
}

export function makePassword(
  r: Rng,
  start: number,
  end: number | null,
  displayName: string | null,
): PasswordCredentialDef {
  const secretText = `${r.token(3)}8Q~${CANARY_PREFIX}${r.token(24)}`;
  return {
    customKeyIdentifier: null,
    displayName,
    endDateTime: end === null ? null : isoSeconds(end),
    hint: secretText.slice(0, 3),
    keyId: r.guid(),
    startDateTime: isoSeconds(start),
    secretText,
  };
}

// --------------------------------------------------------------------------------------------------- vault contents

export interface KvVersion {
  version: string;
  created: number;
  updated: number;
  enabled: boolean;
  nbf?: number;
  exp?: number;
  contentType?: string;
  tags?: Record<string, string>;
  /** secrets only */
  value?: string;
  /** certificates: subject CN etc. (DER is generated lazily by the data plane) */
  cert?: {
    subject: string;
    sans: string[];
    issuer: string;
    der?: Buffer;
    x5t?: string;
    /** a version made by CreateCertificate has its own key (others share the estate's); it signs for keys/sign */
    privateKey?: import("node:crypto").KeyObject;
  };
  /** keys */
  kty?: "RSA" | "EC" | "RSA-HSM" | "EC-HSM";
  /** RSA modulus bits (default 2048) */
  keySize?: number;
  /** EC curve (default P-256) */
  crv?: "P-256" | "P-384" | "P-521" | "P-256K";
  keyOps?: string[];
}

export interface CertPolicyDef {
  issuer: string;
  subject: string;
  sans: string[];
  validityMonths: number;
  keyType: "RSA" | "EC";
  keySize: number;
  /** EC policies: the curve (default P-256) */
  keyCurveName?: "P-256" | "P-384" | "P-521" | "P-256K";
  exportable: boolean;
  contentType: "application/x-pkcs12" | "application/x-pem-file";
  lifetimeAction: CertLifetimeAction;
  /** when set, the policy's lifetime actions (else the one above) */
  lifetimeActions?: CertLifetimeAction[];
  created: number;
  updated: number;
}

interface CertLifetimeAction {
  trigger: { lifetime_percentage?: number; days_before_expiry?: number };
  action: "AutoRenew" | "EmailContacts";
}

export interface RotationPolicyDef {
  lifetimeActions: {
    trigger: { timeAfterCreate?: string; timeBeforeExpiry?: string };
    action: { type: "Rotate" | "Notify" };
  }[];
  expiryTime?: string;
  created?: number;
  updated?: number;
}

export type KvKind = "secrets" | "certificates" | "keys";

export interface KvObject {
  name: string;
  versions: KvVersion[]; // oldest first; last is "current"
  managed?: boolean;
  policy?: CertPolicyDef;
  rotationPolicy?: RotationPolicyDef;
  /** certificates: the last CreateCertificate operation (`/pending`) */
  pending?: { issuer: string; csr: string; status: "inProgress" | "completed"; requestId: string };
  /** generator intent for tests */
  bucket?: Bucket;
  link?: AppSecretLink;
}

export function secretNameFor(spec: EstateSpec, vaultIndex: number, j: number, links?: AppSecretLink[]): string {
  if (links && j < links.length) return links[j].secretName;
  const k = j - (links?.length ?? 0);
  const b = SECRET_BASES[(k + vaultIndex) % SECRET_BASES.length];
  const round = Math.floor(k / SECRET_BASES.length);
  return round ? `${b}-${round + 1}` : b;
}

const CONTENT_TYPES = [undefined, "text/plain", "application/json", "password", "connection-string", undefined];

/** Deterministic contents of one vault. The data plane calls this once per vault, on first access. */
export function materialiseVault(
  estate: Estate,
  v: VaultDef,
): { secrets: KvObject[]; certificates: KvObject[]; keys: KvObject[] } {
  const spec = estate.spec;
  const now = estate.now;
  const links = estate.appLinks.get(v.index) ?? [];
  const secrets: KvObject[] = [];
  const certificates: KvObject[] = [];
  const keys: KvObject[] = [];
  const nSecrets = Math.max(v.counts.secrets, links.length);
  const objTags = (r: Rng): Record<string, string> | undefined => {
    const x = r.next();
    if (x < 0.3) return undefined;
    const t: Record<string, string> = { owner: r.pick(OWNERS) };
    if (x > 0.45) t.environment = v.tags.environment ?? r.pick(ENVS);
    return t;
  };
  const mkVersions = (
    r: Rng,
    b: Bucket,
    nv: number,
    fill: (ver: KvVersion, isCurrent: boolean, vr: Rng) => void,
  ): KvVersion[] => {
    const out: KvVersion[] = [];
    const exp = expForBucket(b, now, r);
    let created = Math.min(now - DAY, (exp ?? now) - r.int(30, 400) * DAY);
    if (b === "notYetValid") created = now - r.int(1, 20) * DAY;
    const step = Math.max(DAY, Math.floor((now - created) / (nv + 1)));
    for (let k = 0; k < nv; k++) {
      const isCurrent = k === nv - 1;
      const vr = rng(spec.seed, "ver", v.index, r.hex(8), k);
      const c = created - (nv - 1 - k) * step * 2;
      const ver: KvVersion = { version: vr.hex(32), created: c, updated: c, enabled: true };
      if (isCurrent) {
        if (exp !== undefined) ver.exp = exp;
        if (b === "disabled") ver.enabled = false;
        if (b === "notYetValid") ver.nbf = now + vr.int(2, 30) * DAY;
      } else {
        ver.exp = c + vr.int(60, 400) * DAY;
        ver.enabled = vr.chance(0.6);
      }
      fill(ver, isCurrent, vr);
      out.push(ver);
    }
    return out;
  };

  for (let j = 0; j < nSecrets; j++) {
    const name = secretNameFor(spec, v.index, j, links);
    const r = rng(spec.seed, "secret", v.index, j);
    const link = j < links.length ? links[j] : undefined;
    if (link) {
      const end = link.endDateTime ? Math.floor(Date.parse(link.endDateTime) / 1000) : undefined;
      const c = now - r.int(5, 120) * DAY;
      const ver: KvVersion = {
        version: r.hex(32),
        created: c,
        updated: c,
        enabled: true,
        exp: end,
        contentType: "client-secret",
        value: link.secretText,
      };
      if (link.mode === "tags")
        ver.tags = { "cc-app-id": link.appId, "cc-credential-key-id": link.keyId, owner: r.pick(OWNERS) };
      else ver.tags = { owner: r.pick(OWNERS) };
      secrets.push({ name, versions: [ver], link, bucket: "later" });
      continue;
    }
    const b = bucketFor(v.index, 0, j);
    const nv = r.int(1, Math.max(1, spec.versions));
    const ct = CONTENT_TYPES[(j + v.index) % CONTENT_TYPES.length];
    const tags = objTags(r);
    secrets.push({
      name,
      bucket: b,
      versions: mkVersions(r, b, nv, (ver, _cur, vr) => {
        if (ct) ver.contentType = ct;
        if (tags) ver.tags = tags;
        ver.value = canaryValue(vr, ct === "application/json" ? "json" : ct === "connection-string" ? "conn" : "plain");
      }),
    });
  }

  for (let j = 0; j < v.counts.certificates; j++) {
    const r = rng(spec.seed, "cert", v.index, j);
    const base = CERT_BASES[(j + v.index) % CERT_BASES.length];
    const round = Math.floor(j / CERT_BASES.length);
    const name = `${base}-cert${round ? "-" + (round + 1) : ""}`;
    let b = bucketFor(v.index, 3, j);
    if (b === "none") b = "later";
    const nv = r.int(1, Math.max(1, spec.versions));
    const issuer = r.pick(["Self", "Self", "DigiCert", "Unknown", "OneCertV2-PublicCA"]);
    const cn = `${base}.${v.tags.environment ?? "prod"}.contoso.com`;
    const validityDays = r.pick([90, 365, 365, 730]);
    const tags = objTags(r);
    const contentType = r.chance(0.8) ? ("application/x-pkcs12" as const) : ("application/x-pem-file" as const);
    const versions = mkVersions(r, b, nv, (ver, isCurrent, vr) => {
      // certificates always have nbf/exp; validity length ends at exp
      const exp = ver.exp ?? now + vr.int(91, 730) * DAY;
      ver.exp = exp;
      if (ver.nbf === undefined || !isCurrent) ver.nbf = Math.min(exp - validityDays * DAY, now - DAY);
      if (isCurrent && b === "notYetValid") {
        ver.nbf = now + vr.int(2, 30) * DAY;
        ver.exp = ver.nbf + validityDays * DAY;
      }
      ver.created = Math.max(ver.created, ver.nbf - DAY);
      if (ver.created > now) ver.created = now - DAY;
      ver.updated = ver.created;
      ver.contentType = contentType;
      if (tags) ver.tags = tags;
      ver.cert = { subject: `CN=${cn}`, sans: [cn, `www.${cn}`], issuer };
    });
    const policyCreated = versions[0].created;
    // key and lifetime variety from a stream of its own (the draws above, and so older estates, are unchanged)
    const cr = rng(spec.seed, "cert-crypto", v.index, j);
    const k = cr.next();
    const keyPolicy =
      k < 0.6
        ? { keyType: "RSA" as const, keySize: 2048 }
        : k < 0.75
          ? { keyType: "RSA" as const, keySize: 4096 }
          : { keyType: "EC" as const, keySize: 256, keyCurveName: cr.pick(["P-256", "P-256", "P-384"] as const) };
    const l = cr.next();
    const lifetimeActions: CertLifetimeAction[] | undefined =
      l < 0.1
        ? [{ trigger: { lifetime_percentage: 95 }, action: "AutoRenew" }]
        : l < 0.2
          ? [{ trigger: { days_before_expiry: 7 }, action: "EmailContacts" }]
          : undefined;
    const policyIssuer = issuer === "DigiCert" && cr.chance(0.4) ? "GlobalSign" : issuer;
    if (policyIssuer !== issuer) for (const ver of versions) if (ver.cert) ver.cert.issuer = policyIssuer;
    certificates.push({
      name,
      bucket: b,
      versions,
      policy: {
        issuer: policyIssuer,
        subject: `CN=${cn}`,
        sans: [cn, `www.${cn}`],
        validityMonths: Math.max(1, Math.round(validityDays / 30)),
        ...keyPolicy,
        exportable: true,
        contentType,
        lifetimeAction: r.chance(0.6)
          ? { trigger: { lifetime_percentage: 80 }, action: "AutoRenew" }
          : { trigger: { days_before_expiry: 30 }, action: "EmailContacts" },
        ...(lifetimeActions ? { lifetimeActions } : {}),
        created: policyCreated,
        updated: policyCreated,
      },
    });
  }

  for (let j = 0; j < v.counts.keys; j++) {
    const r = rng(spec.seed, "key", v.index, j);
    const base = KEY_BASES[(j + v.index) % KEY_BASES.length];
    const round = Math.floor(j / KEY_BASES.length);
    const name = `${base}${round ? "-" + (round + 1) : ""}`;
    const b = bucketFor(v.index, 6, j);
    const nv = r.int(1, Math.max(1, spec.versions));
    const kty = r.chance(0.75) ? (v.sku === "premium" && r.chance(0.5) ? "RSA-HSM" : "RSA") : "EC";
    const tags = objTags(r);
    const hasPolicy = r.chance(0.4);
    // sizes, curves and HSM from a stream of their own (the draws above, and so older estates, are unchanged)
    const kr = rng(spec.seed, "key-crypto", v.index, j);
    const hsm = v.sku === "premium" && kr.chance(0.5);
    const keyType = kty.startsWith("EC") ? (hsm ? "EC-HSM" : "EC") : kty;
    const keySize = kty.startsWith("RSA") ? kr.pick([2048, 2048, 3072, 4096]) : undefined;
    const crv = keyType.startsWith("EC") ? kr.pick(["P-256", "P-256", "P-384", "P-521", "P-256K"] as const) : undefined;
    keys.push({
      name,
      bucket: b,
      versions: mkVersions(r, b, nv, (ver) => {
        ver.kty = keyType;
        if (keySize) ver.keySize = keySize;
        if (crv) ver.crv = crv;
        ver.keyOps = keyType.startsWith("EC")
          ? ["sign", "verify"]
          : ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"];
        if (tags) ver.tags = tags;
      }),
      rotationPolicy: hasPolicy
        ? {
            lifetimeActions: [
              { trigger: { timeAfterCreate: r.pick(["P90D", "P180D", "P1Y"]) }, action: { type: "Rotate" } },
              { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "Notify" } },
            ],
            expiryTime: r.pick(["P1Y", "P2Y"]),
            created: now - r.int(10, 300) * DAY,
            updated: now - r.int(1, 9) * DAY,
          }
        : undefined,
    });
  }
  return { secrets, certificates, keys };
}

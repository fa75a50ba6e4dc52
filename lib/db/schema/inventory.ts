import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/**
 * Inventory: metadata only. No column here may ever hold a secret value, a private key or a token.
 * Rows are never deleted when an object disappears from Azure: `removedAt` is set, first/last seen kept.
 */
const seen = () => ({
  firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull().defaultNow(),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
  removedAt: timestamp("removed_at", { withTimezone: true }),
});

export const subscriptions = pgTable("subscriptions", {
  id: text("id").primaryKey(), // subscription GUID (lower case)
  tenantId: text("tenant_id"),
  displayName: text("display_name").notNull(),
  state: text("state"),
  ...seen(),
});

export const vaults = pgTable(
  "vaults",
  {
    id: text("id").primaryKey(), // ARM resource id, lower case
    subscriptionId: text("subscription_id").notNull(),
    resourceGroup: text("resource_group").notNull(),
    name: text("name").notNull(),
    location: text("location"),
    vaultUri: text("vault_uri"),
    tenantId: text("tenant_id"),
    sku: text("sku"),
    enableRbacAuthorization: boolean("enable_rbac_authorization"),
    enableSoftDelete: boolean("enable_soft_delete"),
    softDeleteRetentionDays: integer("soft_delete_retention_days"),
    enablePurgeProtection: boolean("enable_purge_protection"),
    publicNetworkAccess: text("public_network_access"),
    networkDefaultAction: text("network_default_action"),
    ipRuleCount: integer("ip_rule_count"),
    /** networkAcls.ipRules values (addresses / CIDR ranges); null when not recorded */
    ipRules: jsonb("ip_rules").$type<string[] | null>(),
    vnetRuleCount: integer("vnet_rule_count"),
    privateEndpointCount: integer("private_endpoint_count"),
    accessPolicyCount: integer("access_policy_count"),
    // Posture facts kept for compliance; null where ARM's payload did not carry the field (unknown, never assumed).
    enabledForDeployment: boolean("enabled_for_deployment"),
    enabledForDiskEncryption: boolean("enabled_for_disk_encryption"),
    enabledForTemplateDeployment: boolean("enabled_for_template_deployment"),
    /** network ACL bypass: AzureServices | None */
    networkBypass: text("network_bypass"),
    /** each private endpoint connection's name and state (Approved, Pending, Rejected, Disconnected) */
    privateEndpoints: jsonb("private_endpoints")
      .$type<{ name: string | null; status: string | null }[]>()
      .notNull()
      .default([]),
    /**
     * access-policy vaults: who each policy names and its permission lists (metadata only); null when not listed.
     * Rows written before the key and certificate lists were kept have their counts instead (read as unknown).
     */
    accessPolicies: jsonb("access_policies").$type<
      | {
          objectId: string | null;
          applicationId: string | null;
          secrets: string[];
          keys?: string[];
          certificates?: string[];
          keyPermissions?: number;
          certificatePermissions?: number;
        }[]
      | null
    >(),
    /** some diagnostic setting sends an enabled log somewhere; null when the last scan could not read the settings */
    diagnosticsEnabled: boolean("diagnostics_enabled"),
    /** the diagnostic settings as the last scan read them (destinations as ids, logs, retention); null: not read */
    diagnosticSettings: jsonb("diagnostic_settings").$type<StoredDiagnosticSetting[] | null>(),
    /**
     * The Defender for Key Vault plan (pricingTier) of the vault's subscription, read once per subscription by the
     * scan that last read this vault; null when it could not be read.
     */
    defenderForKeyVault: text("defender_for_key_vault"),
    tags: jsonb("tags").$type<Record<string, string>>().notNull().default({}),
    /** Last data-plane outcome: ok, or the classified reason it could not be read. */
    accessStatus: text("access_status").notNull().default("unknown"), // ok | firewall | permission | not_found | throttled | network | unknown
    accessError: jsonb("access_error").$type<{ code?: string; message: string; remediation: string } | null>(),
    /**
     * Whether the last scan could list the vault's objects (null: never scanned). The one meaning of "unreadable"
     * (lib/inventory/vault-readability.ts); object_count and listed_at then still describe the last listing.
     */
    readable: boolean("readable"),
    objectCount: integer("object_count").notNull().default(0),
    lastScanId: uuid("last_scan_id"),
    lastScannedAt: timestamp("last_scanned_at", { withTimezone: true }),
    /**
     * When a scan last listed the vault's objects. A live object's "last seen" is this time (its own last_seen_at only
     * moves when its row changes), so a scan of an unchanged vault rewrites no object row.
     */
    listedAt: timestamp("listed_at", { withTimezone: true }),
    ...seen(),
  },
  (t) => [index("vaults_subscription_idx").on(t.subscriptionId), index("vaults_name_idx").on(t.name)],
);

/** One diagnostic setting of a vault, as lib/cloud/monitoring.ts reads it (metrics left out). */
export interface StoredDiagnosticSetting {
  name: string | null;
  workspaceId?: string;
  storageAccountId?: string;
  eventHubAuthorizationRuleId?: string;
  marketplacePartnerId?: string;
  logs: {
    category?: string;
    categoryGroup?: string;
    enabled: boolean;
    retentionPolicy?: { enabled: true; days: number };
  }[];
}

export const assets = pgTable(
  "assets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    vaultId: text("vault_id")
      .notNull()
      .references(() => vaults.id),
    subscriptionId: text("subscription_id").notNull(),
    type: text("type").$type<"secret" | "certificate" | "key">().notNull(),
    name: text("name").notNull(),
    /** The object's identifier without version, e.g. https://kv.vault.azure.net/secrets/name */
    objectId: text("object_id").notNull(),
    currentVersion: text("current_version"),
    enabled: boolean("enabled").notNull().default(true),
    notBefore: timestamp("not_before", { withTimezone: true }),
    expiresOn: timestamp("expires_on", { withTimezone: true }),
    createdOn: timestamp("created_on", { withTimezone: true }),
    updatedOn: timestamp("updated_on", { withTimezone: true }),
    contentType: text("content_type"),
    managed: boolean("managed").notNull().default(false),
    recoveryLevel: text("recovery_level"),
    tags: jsonb("tags").$type<Record<string, string>>().notNull().default({}),
    versionCount: integer("version_count"),
    /** healthy | warning | critical | expired — from expiresOn and the thresholds in force. */
    status: text("status").$type<"healthy" | "warning" | "critical" | "expired">().notNull(),
    /** Certificates: x5t as hex, subject, issuer, SANs, key type/size, policy summary. Keys: kty, size, curve, ops, rotation policy. */
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    /** For delta scans: the fingerprint (updated time / x5t) of the detail last fetched. */
    detailFingerprint: text("detail_fingerprint"),
    ...seen(),
  },
  (t) => [
    uniqueIndex("assets_vault_type_name_uq").on(t.vaultId, t.type, t.name),
    index("assets_expires_idx").on(t.expiresOn),
    index("assets_status_idx").on(t.status),
    index("assets_subscription_idx").on(t.subscriptionId),
    index("assets_name_idx").on(t.name),
    // an incremental compliance evaluation reads the rows a scan wrote, or removed, since its watermark
    index("assets_last_seen_idx").on(t.lastSeenAt),
    index("assets_removed_idx")
      .on(t.removedAt)
      .where(sql`removed_at is not null`),
  ],
);

export const appRegistrations = pgTable(
  "app_registrations",
  {
    id: text("id").primaryKey(), // Graph object id
    kind: text("kind").$type<"application" | "servicePrincipal">().notNull(),
    appId: text("app_id").notNull(),
    displayName: text("display_name").notNull(),
    owners: jsonb("owners")
      .$type<{ id: string; displayName?: string; userPrincipalName?: string }[]>()
      .notNull()
      .default([]),
    createdDateTime: timestamp("created_date_time", { withTimezone: true }),
    ...seen(),
  },
  (t) => [index("app_registrations_app_id_idx").on(t.appId)],
);

export const appCredentials = pgTable(
  "app_credentials",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    appObjectId: text("app_object_id")
      .notNull()
      .references(() => appRegistrations.id),
    keyId: text("key_id").notNull(),
    type: text("type").$type<"password" | "certificate">().notNull(),
    displayName: text("display_name"),
    /** First characters Graph exposes for a client secret; never the secret. */
    hint: text("hint"),
    /** Certificates: SHA-1 thumbprint, hex upper case (Graph's customKeyIdentifier) — links it to a KV certificate */
    thumbprint: text("thumbprint"),
    startDateTime: timestamp("start_date_time", { withTimezone: true }),
    endDateTime: timestamp("end_date_time", { withTimezone: true }),
    status: text("status").$type<"healthy" | "warning" | "critical" | "expired">().notNull(),
    ...seen(),
  },
  (t) => [
    uniqueIndex("app_credentials_app_key_uq").on(t.appObjectId, t.keyId),
    index("app_credentials_end_idx").on(t.endDateTime),
  ],
);

/** Key/value settings (scan schedule, thresholds, subscription allow-list), changed through audited verbs. */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true })
    .notNull()
    .default(sql`now()`),
  updatedBy: text("updated_by"),
});

export type Vault = typeof vaults.$inferSelect;
export type Asset = typeof assets.$inferSelect;
export type AppRegistration = typeof appRegistrations.$inferSelect;
export type AppCredential = typeof appCredentials.$inferSelect;
export type Subscription = typeof subscriptions.$inferSelect;

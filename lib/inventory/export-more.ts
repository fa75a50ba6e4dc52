import { and, asc, eq, gt, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { dbOf } from "../db/transaction";
import { appCredentials, appRegistrations, subscriptions, vaults } from "../db/schema";
import { csvLine } from "../csv";
import { effectiveCredentials } from "./effective-credentials";

/**
 * The dashboard's other two exports beside the inventory: every app credential (with whether it is the one the app
 * is judged by) and every vault's posture. Streamed in keyset batches on the primary key, like the inventory export.
 * Neither takes filters: the whole estate, for a spreadsheet or an auditor.
 */
export const exportAllInput = z.object({}).strip();
const BATCH = 1000;
const DAY_MS = 86_400_000;

export const CREDENTIALS_CSV_HEADER = [
  "application",
  "kind",
  "app_id",
  "object_id",
  "credential_type",
  "credential_name",
  "hint",
  "key_id",
  "start",
  "end",
  "days_to_expiry",
  "status",
  "effective",
  "owners",
  "removed_at",
];

export async function* exportCredentialsCsv({
  ctx,
  input,
  now = new Date(),
}: {
  ctx: Ctx;
  input: unknown;
  now?: Date;
}) {
  assertPermission(ctx, "dashboard:read");
  exportAllInput.parse(input ?? {});
  const db = await dbOf(ctx);
  const eff = effectiveCredentials(db, now);
  yield csvLine(CREDENTIALS_CSV_HEADER);
  let after: string | undefined;
  for (;;) {
    const rows = await db
      .select({ c: appCredentials, app: appRegistrations, effectiveId: eff.id })
      .from(appCredentials)
      .innerJoin(appRegistrations, eq(appRegistrations.id, appCredentials.appObjectId))
      .leftJoin(eff, eq(eff.id, appCredentials.id))
      .where(after ? gt(appCredentials.id, after) : undefined)
      .orderBy(asc(appCredentials.id))
      .limit(BATCH);
    if (rows.length === 0) return;
    yield rows
      .map(({ c, app, effectiveId }) =>
        csvLine([
          app.displayName,
          app.kind,
          app.appId,
          app.id,
          c.type === "password" ? "client secret" : "certificate",
          c.displayName,
          c.hint,
          c.keyId,
          c.startDateTime,
          c.endDateTime,
          c.endDateTime ? Math.floor((c.endDateTime.getTime() - now.getTime()) / DAY_MS) : "",
          c.status,
          effectiveId !== null,
          app.owners.map((o) => o.userPrincipalName ?? o.displayName ?? o.id).join("; "),
          c.removedAt ?? app.removedAt,
        ]),
      )
      .join("");
    if (rows.length < BATCH) return;
    after = rows[rows.length - 1].c.id;
  }
}

export const VAULTS_CSV_HEADER = [
  "vault",
  "subscription_id",
  "subscription",
  "resource_group",
  "location",
  "access",
  "authorization",
  "access_policies",
  "soft_delete",
  "soft_delete_retention_days",
  "purge_protection",
  "public_network_access",
  "firewall_default_action",
  "ip_rules",
  "vnet_rules",
  "private_endpoints",
  "diagnostics",
  "objects",
  "last_scanned_at",
  "resource_id",
];

/** Posture columns as stored: true/false, or empty when the scan could not tell. */
export async function* exportVaultsCsv({
  ctx,
  input,
  subscriptionIds = [],
}: {
  ctx: Ctx;
  input: unknown;
  /** Server-side only: the evidence package's subscription scope. */
  subscriptionIds?: string[];
}) {
  assertPermission(ctx, "dashboard:read");
  exportAllInput.parse(input ?? {});
  const db = await dbOf(ctx);
  yield csvLine(VAULTS_CSV_HEADER);
  let after: string | undefined;
  for (;;) {
    const rows = await db
      .select({ v: vaults, subscription: subscriptions.displayName })
      .from(vaults)
      .leftJoin(subscriptions, eq(subscriptions.id, vaults.subscriptionId))
      .where(
        and(
          isNull(vaults.removedAt),
          after ? gt(vaults.id, after) : undefined,
          subscriptionIds.length ? inArray(vaults.subscriptionId, subscriptionIds) : undefined,
        ),
      )
      .orderBy(asc(vaults.id))
      .limit(BATCH);
    if (rows.length === 0) return;
    yield rows
      .map(({ v, subscription }) =>
        csvLine([
          v.name,
          v.subscriptionId,
          subscription,
          v.resourceGroup,
          v.location,
          v.accessStatus,
          v.enableRbacAuthorization === null ? "" : v.enableRbacAuthorization ? "rbac" : "access policies",
          v.accessPolicyCount,
          v.enableSoftDelete,
          v.softDeleteRetentionDays,
          v.enablePurgeProtection,
          v.publicNetworkAccess,
          v.networkDefaultAction,
          v.ipRuleCount,
          v.vnetRuleCount,
          v.privateEndpointCount,
          v.diagnosticsEnabled,
          v.objectCount,
          v.lastScannedAt,
          v.id,
        ]),
      )
      .join("");
    if (rows.length < BATCH) return;
    after = rows[rows.length - 1].v.id;
  }
}

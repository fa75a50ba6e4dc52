import { createHash } from "node:crypto";
import { and, asc, desc, eq, ilike, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { text, wholeNumber } from "../validation";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { dbOf } from "../db/transaction";
import { assets, scanErrors, subscriptions, vaults, type ScanError, type Vault } from "../db/schema";
import { AppError } from "../errors";
import { cached, inventoryVersion } from "./cache";
import type { StatusCounts } from "./dashboard-summary";
import { unreadableVault } from "./vault-readability";

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

export const ACCESS_STATUSES = [
  "ok",
  "firewall",
  "permission",
  "not_found",
  "throttled",
  "network",
  "unknown",
  "internal",
] as const;

export const listVaultsInput = z.object({
  subscription: z.preprocess(
    blank,
    text(64)
      .transform((s) => s.toLowerCase())
      .optional(),
  ),
  // "unreadable" (and its older name "unreachable"): the one definition in vault-readability.ts
  access: z.preprocess(
    (v) => (blank(v) === "unreachable" ? "unreadable" : blank(v)),
    z.enum([...ACCESS_STATUSES, "unreadable"]).optional(),
  ),
  posture: z.preprocess(
    blank,
    z.enum(["no-purge-protection", "access-policies", "public-network", "no-diagnostics", "no-soft-delete"]).optional(),
  ),
  q: z.preprocess(blank, text(200).optional()),
  removed: z.preprocess((v) => v === "1" || v === "true" || v === true, z.boolean()).default(false),
  page: wholeNumber(1, 100_000).default(1),
  // 50 as the inventory: a vault row carries five posture pills, so a page of 100 cost twice the server time
  pageSize: wholeNumber(10, 500).default(50),
});
export type ListVaultsQuery = z.infer<typeof listVaultsInput>;
/** The stored vault row as views render it (app/ never imports lib/db). */
export type { Vault } from "../db/schema";

export type VaultListRow = Vault & {
  subscriptionName: string | null;
  expired: number;
  critical: number;
  warning: number;
  liveObjects: number;
};

/** Public network is effectively open when access is enabled and the firewall's default action is Allow. */
export const publicNetworkOpen = sql`(coalesce(lower(${vaults.publicNetworkAccess}), 'enabled') = 'enabled' and coalesce(lower(${vaults.networkDefaultAction}), 'allow') = 'allow')`;

/**
 * Every vault with its posture columns, access status and object counts by status (one grouped subquery).
 * `cachedCounts` (the console page): the counts come from the per-data-version cache (lib/inventory/cache.ts).
 */
export async function listVaults({
  ctx,
  input = {},
  cachedCounts = false,
}: {
  ctx: Ctx;
  input?: unknown;
  cachedCounts?: boolean;
}): Promise<{ rows: VaultListRow[]; total: number; query: ListVaultsQuery }> {
  assertPermission(ctx, "dashboard:read");
  const db = await dbOf(ctx);
  const q = listVaultsInput.parse(input);
  const w: SQL[] = [];
  if (!q.removed) w.push(isNull(vaults.removedAt));
  if (q.subscription) w.push(eq(vaults.subscriptionId, q.subscription));
  if (q.access === "unreadable") w.push(unreadableVault);
  else if (q.access) w.push(eq(vaults.accessStatus, q.access));
  if (q.q) w.push(ilike(vaults.name, `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  if (q.posture === "no-purge-protection") w.push(sql`${vaults.enablePurgeProtection} is not true`);
  if (q.posture === "access-policies") w.push(sql`${vaults.enableRbacAuthorization} is not true`);
  if (q.posture === "public-network") w.push(publicNetworkOpen);
  if (q.posture === "no-diagnostics") w.push(sql`${vaults.diagnosticsEnabled} is not true`);
  if (q.posture === "no-soft-delete") w.push(sql`${vaults.enableSoftDelete} is false`);
  const where = w.length ? and(...w) : undefined;
  const [page, [{ total }]] = await Promise.all([
    db
      .select({ vault: vaults, subscriptionName: subscriptions.displayName })
      .from(vaults)
      .leftJoin(subscriptions, eq(subscriptions.id, vaults.subscriptionId))
      .where(where)
      .orderBy(asc(vaults.name), asc(vaults.id))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(vaults)
      .where(where),
  ]);
  // Object counts for this page's vaults only (the (vault_id, type, name) index serves the IN list), per data version:
  // counting a page of 100 vaults reads ~20k asset rows (~45 ms of database time at 100k objects).
  const ids = page.map((r) => r.vault.id);
  const countQuery = () =>
    db
      .select({
        vaultId: assets.vaultId,
        expired: sql<number>`(count(*) filter (where ${assets.expiresOn} is not null and ${assets.status} = 'expired'))::int`,
        critical: sql<number>`(count(*) filter (where ${assets.expiresOn} is not null and ${assets.status} = 'critical'))::int`,
        warning: sql<number>`(count(*) filter (where ${assets.expiresOn} is not null and ${assets.status} = 'warning'))::int`,
        liveObjects: sql<number>`count(*)::int`,
      })
      .from(assets)
      .where(and(inArray(assets.vaultId, ids), isNull(assets.removedAt)))
      .groupBy(assets.vaultId);
  const idsKey = createHash("sha256").update(ids.join("\n")).digest("base64url");
  const counts = !ids.length
    ? []
    : cachedCounts
      ? await inventoryVersion(db).then((v) => cached(`vault-counts:${v}:${idsKey}`, 30_000, countQuery))
      : await countQuery();
  const byVault = new Map(counts.map((c) => [c.vaultId, c]));
  return {
    rows: page.map((r) => {
      const c = byVault.get(r.vault.id);
      return {
        ...r.vault,
        subscriptionName: r.subscriptionName,
        expired: Number(c?.expired ?? 0),
        critical: Number(c?.critical ?? 0),
        warning: Number(c?.warning ?? 0),
        liveObjects: Number(c?.liveObjects ?? 0),
      };
    }),
    total: Number(total),
    query: q,
  };
}

export interface VaultDetail {
  vault: Vault;
  subscriptionName: string | null;
  counts: (StatusCounts & { type: string; removed: number })[];
  errors: ScanError[];
}

/** One vault: posture, object counts per type and status, and the recent scan errors recorded against it. */
export async function getVault({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<VaultDetail> {
  assertPermission(ctx, "dashboard:read");
  const db = await dbOf(ctx);
  const { id } = z.object({ id: text(1000, { min: 1 }).transform((s) => s.toLowerCase()) }).parse(input);
  const [row] = await db
    .select({ vault: vaults, subscriptionName: subscriptions.displayName })
    .from(vaults)
    .leftJoin(subscriptions, eq(subscriptions.id, vaults.subscriptionId))
    .where(eq(vaults.id, id))
    .limit(1);
  if (!row) throw new AppError("not_found", "No such vault in the inventory.");
  const [counts, errors] = await Promise.all([
    db
      .select({
        type: assets.type,
        total: sql<number>`(count(*) filter (where ${assets.removedAt} is null))::int`,
        expired: sql<number>`(count(*) filter (where ${assets.removedAt} is null and ${assets.expiresOn} is not null and ${assets.status} = 'expired'))::int`,
        critical: sql<number>`(count(*) filter (where ${assets.removedAt} is null and ${assets.expiresOn} is not null and ${assets.status} = 'critical'))::int`,
        warning: sql<number>`(count(*) filter (where ${assets.removedAt} is null and ${assets.expiresOn} is not null and ${assets.status} = 'warning'))::int`,
        healthy: sql<number>`(count(*) filter (where ${assets.removedAt} is null and ${assets.expiresOn} is not null and ${assets.status} = 'healthy'))::int`,
        noExpiry: sql<number>`(count(*) filter (where ${assets.removedAt} is null and ${assets.expiresOn} is null))::int`,
        disabled: sql<number>`(count(*) filter (where ${assets.removedAt} is null and not ${assets.enabled}))::int`,
        removed: sql<number>`(count(*) filter (where ${assets.removedAt} is not null))::int`,
      })
      .from(assets)
      .where(eq(assets.vaultId, id))
      .groupBy(assets.type),
    db.select().from(scanErrors).where(eq(scanErrors.scope, id)).orderBy(desc(scanErrors.at)).limit(20),
  ]);
  return {
    vault: row.vault,
    subscriptionName: row.subscriptionName,
    counts: counts.map((c) => ({ ...c, total: Number(c.total) })),
    errors,
  };
}

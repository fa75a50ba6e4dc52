import { and, asc, count, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { wholeNumber } from "../validation";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { dbOf } from "../db/transaction";
import { assets, subscriptions, vaults } from "../db/schema";
import { cached, inventoryVersion } from "./cache";
import { assetFilterSchema, assetWhere, defaultDir, sortSpec, type AssetFilter } from "./filters";

export const listAssetsInput = assetFilterSchema.extend({
  page: wholeNumber(1, 1_000_000).default(1),
  pageSize: wholeNumber(10, 200).default(50),
});
export type ListAssetsQuery = z.infer<typeof listAssetsInput>;

/** A live object was seen whenever its vault was last listed (a scan does not rewrite unchanged rows). */
export const assetLastSeen =
  sql<Date>`case when ${assets.removedAt} is null then greatest(${assets.lastSeenAt}, ${vaults.listedAt}) else ${assets.lastSeenAt} end`.mapWith(
    assets.lastSeenAt,
  );

/** The columns the inventory table and the CSV export show. */
export const assetRowColumns = {
  id: assets.id,
  type: assets.type,
  name: assets.name,
  vaultId: assets.vaultId,
  vaultName: vaults.name,
  subscriptionId: assets.subscriptionId,
  subscriptionName: subscriptions.displayName,
  status: assets.status,
  enabled: assets.enabled,
  expiresOn: assets.expiresOn,
  notBefore: assets.notBefore,
  createdOn: assets.createdOn,
  updatedOn: assets.updatedOn,
  contentType: assets.contentType,
  tags: assets.tags,
  versionCount: assets.versionCount,
  managed: assets.managed,
  objectId: assets.objectId,
  firstSeenAt: assets.firstSeenAt,
  lastSeenAt: assetLastSeen,
  removedAt: assets.removedAt,
};
export type AssetRow = {
  id: string;
  type: "secret" | "certificate" | "key";
  name: string;
  vaultId: string;
  vaultName: string | null;
  subscriptionId: string;
  subscriptionName: string | null;
  status: "healthy" | "warning" | "critical" | "expired";
  enabled: boolean;
  expiresOn: Date | null;
  notBefore: Date | null;
  createdOn: Date | null;
  updatedOn: Date | null;
  contentType: string | null;
  tags: Record<string, string>;
  versionCount: number | null;
  managed: boolean;
  objectId: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  removedAt: Date | null;
};

/** ORDER BY for a filter: the sort column(s), then a unique tie-breaker (stable pages, keyset-able). */
export function assetOrder(f: AssetFilter) {
  const sort = f.sort ?? "expiry";
  return sortSpec(sort, f.dir ?? defaultDir(sort));
}

/** Server-side filtered, sorted, paginated inventory with the total count of the filtered set. */
export async function listAssets({
  ctx,
  input,
  cachedCount = false,
}: {
  ctx: Ctx;
  input: unknown;
  /** The console caches the count per filter until the inventory changes; the API counts every time. */
  cachedCount?: boolean;
}): Promise<{ rows: AssetRow[]; total: number; query: ListAssetsQuery }> {
  assertPermission(ctx, "dashboard:read");
  const db = await dbOf(ctx);
  const q = listAssetsInput.parse(input);
  const where = assetWhere(q);
  // Filters only reference assets columns, so the count needs no join. At 100k objects the count is the expensive
  // part of a page (the rows come from an index); the console caches it per filter until the inventory changes.
  const countQuery = async () => Number((await db.select({ n: count() }).from(assets).where(where))[0].n);
  const filterKey = JSON.stringify([q.type, q.status, q.subscription, q.vault, q.tag, q.q, !!q.removed]);
  const [rows, n] = await Promise.all([
    db
      .select(assetRowColumns)
      .from(assets)
      .leftJoin(vaults, eq(vaults.id, assets.vaultId))
      .leftJoin(subscriptions, eq(subscriptions.id, assets.subscriptionId))
      .where(where)
      .orderBy(...assetOrder(q).order)
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    cachedCount
      ? inventoryVersion(db).then((v) => cached(`count:${v}:${filterKey}`, 30_000, countQuery))
      : countQuery(),
  ]);
  return { rows: rows as AssetRow[], total: n, query: q };
}

/**
 * Options for the filter form: all subscriptions, and vaults — those of one subscription, or all of them when there
 * are few (`limit`); `vaultsTruncated` tells the form to ask for a subscription first instead of a huge dropdown.
 */
export async function inventoryFacets({
  ctx,
  input = {},
}: {
  ctx: Ctx;
  input?: { subscription?: string; limit?: number };
}): Promise<{
  subscriptions: { id: string; name: string }[];
  vaults: { id: string; name: string; subscriptionId: string }[];
  vaultsTruncated: boolean;
}> {
  assertPermission(ctx, "dashboard:read");
  const limit = Math.min(input.limit ?? 100, 5000);
  const db = await dbOf(ctx);
  const version = await inventoryVersion(db);
  return cached(`facets:${version}:${input.subscription ?? ""}:${limit}`, 30_000, async () => {
    const [subs, vs] = await Promise.all([
      db
        .select({ id: subscriptions.id, name: subscriptions.displayName })
        .from(subscriptions)
        .where(isNull(subscriptions.removedAt))
        .orderBy(asc(subscriptions.displayName)),
      db
        .select({ id: vaults.id, name: vaults.name, subscriptionId: vaults.subscriptionId })
        .from(vaults)
        .where(
          and(
            isNull(vaults.removedAt),
            input.subscription ? eq(vaults.subscriptionId, input.subscription.toLowerCase()) : undefined,
          ),
        )
        .orderBy(asc(vaults.name))
        .limit(limit + 1),
    ]);
    return { subscriptions: subs, vaults: vs.slice(0, limit), vaultsTruncated: vs.length > limit };
  });
}

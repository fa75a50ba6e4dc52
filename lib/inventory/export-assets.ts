import { and, eq, inArray, sql } from "drizzle-orm";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { dbOf } from "../db/transaction";
import { assets, subscriptions, vaults } from "../db/schema";
import { csvLine } from "../csv";
import { assetFilterSchema, assetWhere, defaultDir, displayStatus } from "./filters";
import { keysetPhases } from "./export-keyset";
import { assetRowColumns, type AssetRow } from "./list-assets";

/**
 * The inventory's filters only (other query parameters, e.g. the page's `page`, are ignored): the batch size is the
 * server's choice — a client-chosen size of 1 made one query per row.
 */
export const exportAssetsInput = assetFilterSchema;
const EXPORT_BATCH_ROWS = 1000;

export const CSV_HEADER = [
  "type",
  "name",
  "vault",
  "subscription_id",
  "subscription",
  "status",
  "enabled",
  "expires_on",
  "days_to_expiry",
  "not_before",
  "created_on",
  "updated_on",
  "content_type",
  "tags",
  "versions",
  "object_id",
  "first_seen_at",
  "last_seen_at",
  "removed_at",
];

function rowValues(r: AssetRow, now: number): unknown[] {
  const days = r.expiresOn ? Math.floor((r.expiresOn.getTime() - now) / 86_400_000) : "";
  const tags = Object.entries(r.tags ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");
  return [
    r.type,
    r.name,
    r.vaultName ?? r.vaultId,
    r.subscriptionId,
    r.subscriptionName,
    displayStatus(r),
    r.enabled,
    r.expiresOn,
    days,
    r.notBefore,
    r.createdOn,
    r.updatedOn,
    r.contentType,
    tags,
    r.versionCount,
    r.objectId,
    r.firstSeenAt,
    r.lastSeenAt,
    r.removedAt,
  ];
}

/**
 * The filtered inventory as CSV, one chunk per batch. Batches use keyset pagination on (sort key, id), so memory
 * stays flat and each batch is an index-friendly range query however deep the export goes (export-keyset.ts).
 */
export async function* exportAssetsCsv({
  ctx,
  input,
  now = new Date(),
  batchRows = EXPORT_BATCH_ROWS,
  subscriptionIds = [],
}: {
  ctx: Ctx;
  input: unknown;
  now?: Date;
  /** Server-side only (tests exercise the keyset paging with small batches); never taken from a request. */
  batchRows?: number;
  /** Server-side only: the evidence package's subscription scope. */
  subscriptionIds?: string[];
}): AsyncGenerator<string> {
  assertPermission(ctx, "dashboard:read");
  const q = exportAssetsInput.parse(input);
  const db = await dbOf(ctx);
  const sort = q.sort ?? "expiry";
  const base = and(assetWhere(q), subscriptionIds.length ? inArray(assets.subscriptionId, subscriptionIds) : undefined);
  yield csvLine(CSV_HEADER);
  for (const phase of keysetPhases(sort, q.dir ?? defaultDir(sort))) {
    const keyText = sql<string[]>`json_build_array(${sql.join(
      phase.keys.map((k) => sql`(${k})::text`),
      sql`, `,
    )})`;
    let cursor: string[] | undefined;
    for (;;) {
      const rows = await db
        .select({ ...assetRowColumns, k: keyText })
        .from(assets)
        .leftJoin(vaults, eq(vaults.id, assets.vaultId))
        .leftJoin(subscriptions, eq(subscriptions.id, assets.subscriptionId))
        .where(and(base, phase.where(cursor)))
        .orderBy(...phase.order)
        .limit(batchRows);
      if (rows.length > 0) yield rows.map((r) => csvLine(rowValues(r as AssetRow, now.getTime()))).join("");
      if (rows.length < batchRows) break;
      cursor = rows[rows.length - 1].k;
    }
  }
}

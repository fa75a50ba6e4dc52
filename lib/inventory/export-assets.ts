import { and, eq, sql } from "drizzle-orm";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { dbOf } from "../db/transaction";
import { assets, subscriptions, vaults } from "../db/schema";
import { csvLine } from "./csv";
import { assetFilterSchema, assetWhere, defaultDir, displayStatus, sortSpec } from "./filters";
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
 * stays flat and each batch is an index-friendly range query however deep the export goes.
 */
export async function* exportAssetsCsv({
  ctx,
  input,
  now = new Date(),
  batchRows = EXPORT_BATCH_ROWS,
}: {
  ctx: Ctx;
  input: unknown;
  now?: Date;
  /** Server-side only (tests exercise the keyset paging with small batches); never taken from a request. */
  batchRows?: number;
}): AsyncGenerator<string> {
  assertPermission(ctx, "dashboard:read");
  const q = exportAssetsInput.parse(input);
  const db = await dbOf(ctx);
  const sort = q.sort ?? "expiry";
  const dir = q.dir ?? defaultDir(sort);
  const { order, keys } = sortSpec(sort, dir);
  const base = assetWhere(q);
  const keyRow = sql.join(
    keys.map((k) => k.expr),
    sql`, `,
  );
  const keyText = sql<string[]>`json_build_array(${sql.join(
    keys.map((k) => sql`(${k.expr})::text`),
    sql`, `,
  )})`;
  yield csvLine(CSV_HEADER);
  let cursor: string[] | undefined;
  for (;;) {
    const after = cursor
      ? sql`(${keyRow}) ${sql.raw(dir === "asc" ? ">" : "<")} (${sql.join(
          keys.map((k, i) => sql`cast(${cursor![i]} as ${sql.raw(k.cast)})`),
          sql`, `,
        )})`
      : undefined;
    const rows = await db
      .select({ ...assetRowColumns, k: keyText })
      .from(assets)
      .leftJoin(vaults, eq(vaults.id, assets.vaultId))
      .leftJoin(subscriptions, eq(subscriptions.id, assets.subscriptionId))
      .where(and(base, after))
      .orderBy(...order)
      .limit(batchRows);
    if (rows.length === 0) return;
    yield rows.map((r) => csvLine(rowValues(r as AssetRow, now.getTime()))).join("");
    if (rows.length < batchRows) return;
    const last = rows[rows.length - 1];
    cursor = last.k;
  }
}

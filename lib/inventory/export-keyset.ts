import { and, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { assets } from "../db/schema";
import { sortSpec, type AssetSort } from "./filters";

/**
 * One index-friendly range of the export's order: the rows after `cursor` (the last row's keys as text), in order.
 * A nullable sort column (expiry, updated) splits the order into the rows with a value and the rows without, each a
 * range PostgreSQL can start at the cursor through an index: a row comparison over `coalesce(column, 'infinity')`
 * matched no index, so every batch re-read the table up to the cursor (100k rows took 10–16 s).
 */
export interface KeysetPhase {
  where(cursor: string[] | undefined): SQL | undefined;
  order: SQL[];
  keys: SQL[];
}

function nullableLead(col: PgColumn, dir: "asc" | "desc", nulls: "first" | "last"): KeysetPhase[] {
  const d = sql.raw(dir);
  const op = sql.raw(dir === "asc" ? ">" : "<");
  const withValue: KeysetPhase = {
    where: (c) =>
      and(
        isNotNull(col),
        c ? sql`(${col}, ${assets.id}) ${op} (cast(${c[0]} as timestamptz), cast(${c[1]} as uuid))` : undefined,
      ),
    order: [sql`${col} ${d}`, sql`${assets.id} ${d}`],
    keys: [sql`${col}`, sql`${assets.id}`],
  };
  const without: KeysetPhase = {
    where: (c) => and(isNull(col), c ? sql`${assets.id} ${op} cast(${c[0]} as uuid)` : undefined),
    order: [sql`${assets.id} ${d}`],
    keys: [sql`${assets.id}`],
  };
  return nulls === "first" ? [without, withValue] : [withValue, without];
}

/** The export's order (the inventory list's, row for row) as keyset ranges. */
export function keysetPhases(sort: AssetSort, dir: "asc" | "desc"): KeysetPhase[] {
  if (sort === "expiry") return nullableLead(assets.expiresOn, dir, dir === "asc" ? "last" : "first");
  if (sort === "updated") return nullableLead(assets.updatedOn, dir, dir === "asc" ? "first" : "last");
  // name and vault: columns that are never null, each order unique with its index.
  const { order, keys } = sortSpec(sort, dir);
  const op = sql.raw(dir === "asc" ? ">" : "<");
  return [
    {
      where: (c) =>
        c
          ? sql`(${sql.join(
              keys.map((k) => k.expr),
              sql`, `,
            )}) ${op} (${sql.join(
              keys.map((k, i) => sql`cast(${c[i]} as ${sql.raw(k.cast)})`),
              sql`, `,
            )})`
          : undefined,
      order,
      keys: keys.map((k) => k.expr),
    },
  ];
}

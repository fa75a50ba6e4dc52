import { and, eq, ilike, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { text } from "../validation";
import { assets } from "../db/schema";

/**
 * The inventory's filter vocabulary, shared by the list page, the CSV export and the dashboard links.
 * Status is the stored status (computed by the scanner from the thresholds in force, per subscription), plus two
 * derived views an operator asks for: `no-expiry` (no expiry date set) and `disabled` (enabled = false).
 */
export const ASSET_TYPES = ["secret", "certificate", "key"] as const;
export const ASSET_STATUSES = ["expired", "critical", "warning", "healthy", "no-expiry", "disabled"] as const;
export const ASSET_SORTS = ["expiry", "name", "updated", "vault"] as const;
export type AssetType = (typeof ASSET_TYPES)[number];
export type AssetStatusFilter = (typeof ASSET_STATUSES)[number];
export type AssetSort = (typeof ASSET_SORTS)[number];

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const opt = <T extends z.ZodType>(s: T) => z.preprocess(blankToUndefined, s.optional());
const boolish = z.preprocess(
  (v) =>
    v === "1" || v === "true" || v === true
      ? true
      : v === "0" || v === "false" || v === false
        ? false
        : blankToUndefined(v),
  z.boolean().optional(),
);

export const assetFilterSchema = z.object({
  type: opt(z.enum(ASSET_TYPES)),
  status: opt(z.enum(ASSET_STATUSES)),
  subscription: opt(text(64).transform((s) => s.toLowerCase())),
  vault: opt(text(400).transform((s) => s.toLowerCase())),
  /** key=value (exact) or key (present). */
  tag: opt(text(300).pipe(z.string().regex(/^[^=]+(=.*)?$/, "use key=value or key"))),
  q: opt(text(200)),
  removed: boolish,
  sort: opt(z.enum(ASSET_SORTS)),
  dir: opt(z.enum(["asc", "desc"])),
});
export type AssetFilter = z.infer<typeof assetFilterSchema>;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export function parseTag(tag: string): { key: string; value?: string } {
  const i = tag.indexOf("=");
  return i < 0 ? { key: tag.trim() } : { key: tag.slice(0, i).trim(), value: tag.slice(i + 1).trim() };
}

/** WHERE for a filter: every condition is index-friendly except free text and tags. */
export function assetWhere(f: AssetFilter): SQL | undefined {
  const w: SQL[] = [];
  if (!f.removed) w.push(isNull(assets.removedAt));
  if (f.type) w.push(eq(assets.type, f.type));
  if (f.subscription) w.push(eq(assets.subscriptionId, f.subscription));
  if (f.vault) w.push(eq(assets.vaultId, f.vault));
  if (f.q) w.push(ilike(assets.name, `%${escapeLike(f.q)}%`));
  if (f.tag) {
    const { key, value } = parseTag(f.tag);
    // jsonb containment: {"key":"value"} or key existence.
    w.push(
      value === undefined
        ? sql`${assets.tags} ? ${key}`
        : sql`${assets.tags} @> ${JSON.stringify({ [key]: value })}::jsonb`,
    );
  }
  switch (f.status) {
    case undefined:
      break;
    case "no-expiry":
      w.push(isNull(assets.expiresOn));
      break;
    case "disabled":
      w.push(eq(assets.enabled, false));
      break;
    case "healthy":
      w.push(eq(assets.status, "healthy"), isNotNull(assets.expiresOn));
      break;
    default:
      w.push(eq(assets.status, f.status));
  }
  return w.length ? and(...w) : undefined;
}

/**
 * ORDER BY for the list (index-friendly: expires_on and name have indexes, and (vault_id, type, name) is unique) and
 * the equivalent non-NULL key expressions the CSV export pages through with keyset comparisons. Both give the same order:
 * `expires_on ASC NULLS LAST` ≡ `coalesce(expires_on, 'infinity') ASC`, and so on.
 */
export function sortSpec(
  sort: AssetSort,
  dir: "asc" | "desc",
): { order: SQL[]; keys: { expr: SQL; cast: "text" | "timestamptz" | "uuid" }[] } {
  const d = sql.raw(dir);
  const id = { expr: sql`${assets.id}`, cast: "uuid" as const };
  switch (sort) {
    case "name":
      return {
        order: [sql`${assets.name} ${d}`, sql`${assets.id} ${d}`],
        keys: [{ expr: sql`${assets.name}`, cast: "text" }, id],
      };
    case "vault":
      return {
        order: [sql`${assets.vaultId} ${d}`, sql`${assets.type} ${d}`, sql`${assets.name} ${d}`],
        keys: [
          { expr: sql`${assets.vaultId}`, cast: "text" },
          { expr: sql`${assets.type}`, cast: "text" },
          { expr: sql`${assets.name}`, cast: "text" },
        ],
      };
    case "updated":
      return {
        order: [
          dir === "asc" ? sql`${assets.updatedOn} asc nulls first` : sql`${assets.updatedOn} desc nulls last`,
          sql`${assets.id} ${d}`,
        ],
        keys: [{ expr: sql`coalesce(${assets.updatedOn}, '-infinity'::timestamptz)`, cast: "timestamptz" }, id],
      };
    case "expiry":
    default:
      return {
        order: [
          dir === "asc" ? sql`${assets.expiresOn} asc nulls last` : sql`${assets.expiresOn} desc nulls first`,
          sql`${assets.id} ${d}`,
        ],
        keys: [{ expr: sql`coalesce(${assets.expiresOn}, 'infinity'::timestamptz)`, cast: "timestamptz" }, id],
      };
  }
}

/** Default direction per sort: soonest expiry first, most recently updated first, names A→Z. */
export function defaultDir(sort: AssetSort): "asc" | "desc" {
  return sort === "updated" ? "desc" : "asc";
}

/** The expiry status shown in the console: objects without an expiry date are "no-expiry" (disabled is shown separately). */
export function displayStatus(a: {
  status: string;
  expiresOn: Date | null;
}): "expired" | "critical" | "warning" | "healthy" | "no-expiry" {
  if (a.expiresOn === null) return "no-expiry";
  return a.status as "expired" | "critical" | "warning" | "healthy";
}

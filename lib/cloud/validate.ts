/**
 * The shape check at the cloud boundary: every principal, vault and Key Vault object a listing returns is parsed on
 * its own, so one malformed item is skipped and reported while its neighbours go on (a listing never fails because
 * of one bad item, and nothing downstream sees `undefined` where an id belongs).
 */
import type { z } from "zod";

export type ListedKind = "application" | "servicePrincipal" | "vault" | "secret" | "certificate" | "key";

/** An item the cloud returned that does not have the shape the inventory needs. */
export interface RejectedItem {
  kind: ListedKind;
  /** what identifies it as far as it can be read (id, name), for the operator */
  ref: string;
  /** its name when it has one (a skipped object still exists: it must not be marked removed) */
  name?: string;
  /** which fields were wrong (paths and zod messages; never the field values) */
  problem: string;
}

/** A listing: the items that passed the shape check, and those skipped. */
export interface Listing<T> {
  items: T[];
  rejected: RejectedItem[];
}

function refOf(raw: unknown): string {
  if (!raw || typeof raw !== "object") return "(not an object)";
  const o = raw as Record<string, unknown>;
  for (const k of ["id", "name", "appId", "displayName"]) {
    const v = o[k];
    if (typeof v === "string" && v.trim()) return v.slice(0, 300);
  }
  return "(no id or name)";
}

function nameOf(raw: unknown): string | undefined {
  const n = raw && typeof raw === "object" ? (raw as Record<string, unknown>).name : undefined;
  return typeof n === "string" && n.trim() ? n : undefined;
}

/** Parses each raw item with `schema`; the ones that fail are reported by ref and field path only. */
export function parseEach<S extends z.ZodType, T>(
  kind: ListedKind,
  schema: S,
  raws: readonly unknown[],
  map: (item: z.output<S>) => T,
  into: Listing<T>,
): void {
  for (const raw of raws) {
    const r = schema.safeParse(raw);
    if (r.success) into.items.push(map(r.data));
    else
      into.rejected.push({
        kind,
        ref: refOf(raw),
        name: nameOf(raw),
        problem: r.error.issues
          .slice(0, 5)
          .map((i) => `${i.path.join(".") || "(item)"}: ${i.message}`)
          .join("; ")
          .slice(0, 300),
      });
  }
}

export function emptyListing<T>(): Listing<T> {
  return { items: [], rejected: [] };
}

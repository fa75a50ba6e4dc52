/**
 * Key Vault data plane, listings: secrets/certificates/keys and their versions, page by page (each page is one
 * retried call). Metadata only: there is deliberately no function here that reads a secret value.
 */
import { z } from "zod";
import { withRetry, type CallOptions } from "./retry";
import { emptyListing, parseEach, type Listing } from "./validate";
import { RefusedLinkError, type VaultReader } from "./vault-reader";
import { propsOf, type AnyProps, type KvKind, type WireItem } from "./vault-wire";

export type { KvKind } from "./vault-wire";

export interface KvItem {
  type: KvKind;
  name: string;
  objectId: string;
  version?: string;
  enabled: boolean;
  notBefore?: Date;
  expiresOn?: Date;
  createdOn?: Date;
  updatedOn?: Date;
  contentType?: string;
  managed: boolean;
  recoveryLevel?: string;
  tags: Record<string, string>;
  /** certificates: SHA-1 thumbprint (hex, lower case) from the list item */
  x5t?: string;
}

/**
 * Walk a paged listing, one retried call per page. A failed page is retried on its own link (the pages before it
 * are kept; nothing is duplicated or skipped).
 */
export async function collectPages<T>(
  reader: VaultReader,
  path: string,
  o: CallOptions,
  onPage?: (items: T[]) => void,
): Promise<T[]> {
  const out: T[] = [];
  let link: string | null = null;
  // a listing whose links go round in a circle would never end
  const seen = new Set<string>();
  do {
    const next: string | null = link;
    const page: WirePage<T> = await withRetry(
      (signal): Promise<WirePage<T>> =>
        next === null
          ? reader.getJson<WirePage<T>>(path, signal, PAGE_QUERY)
          : reader.getNextPage<WirePage<T>>(next, path, signal),
      o,
    );
    const items = Array.isArray(page.value) ? page.value : [];
    for (const item of items) out.push(item);
    onPage?.(items);
    link = page.nextLink || null;
    if (link !== null && seen.has(link))
      throw new RefusedLinkError("Key Vault returned a next page link it had already returned");
    if (link !== null) seen.add(link);
  } while (link);
  return out;
}

const PAGE_QUERY = { maxresults: "25" };
type WirePage<T> = { value?: T[]; nextLink?: string | null };

// vault-wire.ts turns a wrong `attributes.exp` into an Invalid Date and an unreadable id into no name: refuse both here.
const date = z
  .date()
  .refine((d) => !Number.isNaN(d.getTime()), "not a valid time")
  .optional();
const listedSchema = z.looseObject({
  name: z.string().min(1),
  version: z.string().optional(),
  enabled: z.boolean().optional(),
  notBefore: date,
  expiresOn: date,
  createdOn: date,
  updatedOn: date,
  contentType: z.string().optional(),
  managed: z.boolean().optional(),
  recoveryLevel: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
});

function objectIdOf(vaultUri: string, kind: KvKind, name: string): string {
  return `${vaultUri.replace(/\/$/, "")}/${kind}s/${name}`;
}

function toItem(vaultUri: string, type: KvKind, p: AnyProps): KvItem {
  const x5t = p.x509ThumbprintString;
  return {
    type,
    name: p.name,
    objectId: objectIdOf(vaultUri, type, p.name),
    version: p.version || undefined,
    enabled: p.enabled !== false,
    notBefore: p.notBefore,
    expiresOn: p.expiresOn,
    createdOn: p.createdOn,
    updatedOn: p.updatedOn,
    contentType: type === "secret" ? p.contentType : undefined,
    managed: p.managed === true,
    recoveryLevel: p.recoveryLevel,
    tags: p.tags ?? {},
    x5t: x5t?.toLowerCase(),
  };
}

/**
 * Lists one collection. Managed secrets/keys (the backing objects of certificates) are returned with managed = true;
 * items without a usable name or with unreadable times are in `rejected`.
 */
export async function listItems(
  reader: VaultReader,
  vaultUri: string,
  type: KvKind,
  o: CallOptions,
  onPage?: (n: number) => void,
): Promise<Listing<KvItem>> {
  const cb = onPage ? (items: unknown[]) => onPage(items.length) : undefined;
  const wire = await collectPages<WireItem>(reader, `/${type}s`, o, cb);
  const out = emptyListing<KvItem>();
  parseEach(
    type,
    listedSchema,
    wire.map((w) => propsOf(type, w)),
    (p) => toItem(vaultUri, type, p as AnyProps),
    out,
  );
  return out;
}

export interface VersionSummary {
  count: number;
  /** the version with the latest created time (the current one) */
  latest?: string;
  /** the newest `keep` versions, newest first */
  newest: VersionMeta[];
}

/**
 * One version's metadata as Key Vault reports it: times in Unix seconds (the service's own unit — compact in memory
 * and in jsonb), null when absent. Never a value.
 */
export interface VersionMeta {
  id: string;
  created: number | null;
  updated: number | null;
  enabled: boolean;
  notBefore: number | null;
  expires: number | null;
}

// an unreadable time (the SDK makes an Invalid Date of a bad `exp`) is stored as unknown, not as NaN
const seconds = (d: Date | undefined) => (d && !Number.isNaN(d.getTime()) ? Math.round(d.getTime() / 1000) : null);
const createdMs = (v: AnyProps) => v.createdOn?.getTime() ?? 0;

/** Lists an object's versions (metadata only); keeps the count and the newest `keep` versions. */
export async function listVersions(
  reader: VaultReader,
  type: KvKind,
  name: string,
  o: CallOptions,
  keep = 0,
): Promise<VersionSummary> {
  const wire = await collectPages<WireItem>(reader, `/${type}s/${encodeURIComponent(name)}/versions`, o);
  const vs = wire.map((w) => propsOf(type, w));
  let latest: AnyProps | undefined;
  for (const v of vs) if (!latest || createdMs(v) >= createdMs(latest)) latest = v;
  const newest = keep
    ? vs
        .filter((v) => v.version)
        .sort((a, b) => createdMs(b) - createdMs(a))
        .slice(0, keep)
        .map((v) => ({
          id: v.version!,
          created: seconds(v.createdOn),
          updated: seconds(v.updatedOn),
          enabled: v.enabled !== false,
          notBefore: seconds(v.notBefore),
          expires: seconds(v.expiresOn),
        }))
    : [];
  return { count: vs.length, latest: latest?.version, newest };
}

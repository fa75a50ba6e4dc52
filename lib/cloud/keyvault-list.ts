/**
 * Key Vault data plane, listings: secrets/certificates/keys and their versions, page by page (each page is one
 * retried call). Metadata only: there is deliberately no function here that reads a secret value.
 */
import type { KeyVaultClients } from "./clients";
import { z } from "zod";
import { withRetry, type CallOptions } from "./retry";
import { emptyListing, parseEach, type Listing } from "./validate";

export type KvKind = "secret" | "certificate" | "key";

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

type Paged<T> = { byPage: (s?: { continuationToken?: string; maxPageSize?: number }) => AsyncIterableIterator<T[]> };

/**
 * Walk a paged listing, one retried call per page. The Key Vault SDKs' byPage() does not expose the continuation token
 * of a page (their mapping wrapper drops it), so a page cannot be resumed: a failed or timed-out page restarts the
 * collection with a fresh iterator (earlier pages are listed again; nothing is duplicated or skipped). Each iterator
 * gets its own AbortSignal, aborted when the attempt that uses it times out.
 */
export async function collectPages<T>(
  make: (signal: AbortSignal) => Paged<T>,
  o: CallOptions,
  onPage?: (items: T[]) => void,
): Promise<T[]> {
  let out: T[] = [];
  let it: AsyncIterableIterator<T[]> | undefined;
  let itAc: AbortController | undefined;
  let gen = 0;
  let lastOk = -1;
  // an attempt that only learns "no more pages" makes no request: count requests here, not per attempt
  const counted: CallOptions = { ...o, onAttempt: undefined };
  for (;;) {
    const page = await withRetry(async (signal) => {
      const myGen = gen++;
      if (!it || lastOk !== myGen - 1) {
        // first page, or the previous attempt failed: the old iterator may be dead or still running — start over
        itAc?.abort();
        itAc = new AbortController();
        it = make(itAc.signal).byPage({ maxPageSize: 25 });
        out = [];
      }
      const ac = itAc!;
      const onAbort = () => ac.abort();
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        const r = await it.next();
        if (!r.done) o.onAttempt?.();
        lastOk = myGen;
        return r;
      } catch (e) {
        o.onAttempt?.();
        throw e;
      } finally {
        signal.removeEventListener("abort", onAbort);
      }
    }, counted);
    if (page.done) break;
    for (const item of page.value) out.push(item);
    onPage?.(page.value);
  }
  // the iterator ran to its end: nothing of it is in flight, so its controller is left to the GC un-aborted (an abort
  // builds a DOMException with a stack trace: ~2 % of a scan's CPU at one listing per object)
  return out;
}

type AnyProps = {
  name: string;
  id?: string;
  version?: string;
  enabled?: boolean;
  notBefore?: Date;
  expiresOn?: Date;
  createdOn?: Date;
  updatedOn?: Date;
  contentType?: string;
  managed?: boolean;
  recoveryLevel?: string;
  tags?: Record<string, string>;
  x509Thumbprint?: Uint8Array;
  x509ThumbprintString?: string;
};

// The SDKs turn a wrong `attributes.exp` into an Invalid Date and a missing name into undefined: refuse both here.
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
  const x5t = p.x509ThumbprintString ?? (p.x509Thumbprint ? Buffer.from(p.x509Thumbprint).toString("hex") : undefined);
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
  c: KeyVaultClients,
  vaultUri: string,
  type: KvKind,
  o: CallOptions,
  onPage?: (n: number) => void,
): Promise<Listing<KvItem>> {
  const cb = onPage ? (items: unknown[]) => onPage(items.length) : undefined;
  let props: AnyProps[];
  if (type === "secret")
    props = await collectPages(
      (signal) => c.secrets.listPropertiesOfSecrets({ abortSignal: signal }) as unknown as Paged<AnyProps>,
      o,
      cb,
    );
  else if (type === "certificate")
    props = await collectPages(
      (signal) => c.certificates.listPropertiesOfCertificates({ abortSignal: signal }) as unknown as Paged<AnyProps>,
      o,
      cb,
    );
  else
    props = await collectPages(
      (signal) => c.keys.listPropertiesOfKeys({ abortSignal: signal }) as unknown as Paged<AnyProps>,
      o,
      cb,
    );
  const out = emptyListing<KvItem>();
  parseEach(type, listedSchema, props, (p) => toItem(vaultUri, type, p as AnyProps), out);
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
  c: KeyVaultClients,
  type: KvKind,
  name: string,
  o: CallOptions,
  keep = 0,
): Promise<VersionSummary> {
  let vs: AnyProps[];
  if (type === "secret")
    vs = await collectPages(
      (signal) => c.secrets.listPropertiesOfSecretVersions(name, { abortSignal: signal }) as unknown as Paged<AnyProps>,
      o,
    );
  else if (type === "certificate")
    vs = await collectPages(
      (signal) =>
        c.certificates.listPropertiesOfCertificateVersions(name, { abortSignal: signal }) as unknown as Paged<AnyProps>,
      o,
    );
  else
    vs = await collectPages(
      (signal) => c.keys.listPropertiesOfKeyVersions(name, { abortSignal: signal }) as unknown as Paged<AnyProps>,
      o,
    );
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

/**
 * Inventory rows of Key Vault objects: built from a list item and the stored row, completed by detail calls, and
 * compared with what is stored. Pure (no I/O), and on the scanner's hot path: the row is the only per-object
 * allocation, and the detail steps complete it in place.
 */
import type { CertificateDetail, CloudVault, KeyDetail, KvItem, RotationPolicySummary, VersionSummary } from "../cloud";
import type { assets } from "../db/schema";
import type { ExpiryStatus } from "../expiry-status";
import type { AssetInsert } from "./persist";

export type StoredAsset = typeof assets.$inferSelect;

/**
 * How many of an object's newest versions `detail.versions` keeps (the total is `versionCount`). Enough for the
 * rotation history an operator looks at; bounded so a vault's rows in the scanner's memory stay small.
 */
export const MAX_VERSIONS_KEPT = 10;

/** An asset row whose detail is always present (the steps below add to it). */
export type AssetRow = AssetInsert & { detail: Record<string, unknown> };

/** What identifies an object's detail: a new version, a new updated time or a new certificate changes it. */
export function fingerprint(i: KvItem): string {
  return [i.updatedOn?.getTime() ?? "", i.version ?? "", i.x5t ?? ""].join("|");
}

/** JSON with sorted keys (jsonb does not keep key order), so stored and fresh values compare equal. */
export function stable(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(stable).join(",")}]`;
  return `{${Object.keys(v as object)
    .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
    .join(",")}}`;
}

/**
 * `stable(a) === stable(b)` for two JSON objects, without serialising the members they share: a row's detail is a
 * shallow copy of the stored one with a few members replaced (a policy read again), so most members — the kept
 * versions above all — are the very same objects and need no comparison (docs/benchmarks.md: `stable` was 5 % of a
 * steady-state full scan's CPU).
 */
export function sameJson(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  if (a === b) return true;
  const keys = (o: Record<string, unknown>) => Object.keys(o).filter((k) => o[k] !== undefined);
  const ka = keys(a);
  if (ka.length !== keys(b).length) return false;
  for (const k of ka) {
    const [va, vb] = [a[k], b[k]];
    if (va === vb) continue;
    if (vb === undefined || !Object.prototype.hasOwnProperty.call(b, k) || stable(va) !== stable(vb)) return false;
  }
  return true;
}

const ms = (d: Date | null | undefined) => (d ? d.getTime() : null);

/**
 * Would upserting `row` change the stored row? `detailIsPrev`: the row's detail is an untouched copy of the stored one
 * (a delta scan of an unchanged object), so the costly canonical comparison of the detail is skipped.
 */
export function sameAsStored(row: AssetInsert, prev: StoredAsset, detailIsPrev = false): boolean {
  return (
    row.subscriptionId === prev.subscriptionId &&
    row.objectId === prev.objectId &&
    (row.currentVersion ?? null) === prev.currentVersion &&
    row.enabled === prev.enabled &&
    ms(row.notBefore) === ms(prev.notBefore) &&
    ms(row.expiresOn) === ms(prev.expiresOn) &&
    ms(row.createdOn) === ms(prev.createdOn) &&
    ms(row.updatedOn) === ms(prev.updatedOn) &&
    (row.contentType ?? null) === prev.contentType &&
    row.managed === prev.managed &&
    (row.recoveryLevel ?? null) === prev.recoveryLevel &&
    (row.versionCount ?? null) === prev.versionCount &&
    row.status === prev.status &&
    (row.detailFingerprint ?? null) === prev.detailFingerprint &&
    row.tags != null &&
    sameJson(row.tags, prev.tags) &&
    (detailIsPrev || (row.detail != null && sameJson(row.detail, prev.detail)))
  );
}

/**
 * The row as listed: the list item's facts, and from the stored row what only detail calls can tell (detail, version
 * count, current version when the list has none), so a skipped or failed detail call keeps the last known facts.
 */
export function listedRow(
  vault: Pick<CloudVault, "id" | "subscriptionId">,
  item: KvItem,
  prev: StoredAsset | undefined,
  detailFingerprint: string,
  status: ExpiryStatus,
): AssetRow {
  return {
    vaultId: vault.id,
    subscriptionId: vault.subscriptionId,
    type: item.type,
    name: item.name,
    objectId: item.objectId,
    currentVersion: item.version ?? prev?.currentVersion ?? null,
    enabled: item.enabled,
    notBefore: item.notBefore ?? null,
    expiresOn: item.expiresOn ?? null,
    createdOn: item.createdOn ?? null,
    updatedOn: item.updatedOn ?? null,
    contentType: item.contentType ?? null,
    managed: item.managed,
    recoveryLevel: item.recoveryLevel ?? null,
    tags: item.tags,
    versionCount: prev?.versionCount ?? null,
    status,
    detail: { ...(prev?.detail ?? {}) },
    detailFingerprint,
  };
}

/** Labels of detail calls denied by permission when the row was last read (delta scans keep them denied). */
export function deniedLabels(prev: StoredAsset | undefined): string[] {
  return (prev?.detail.deniedDetail as string[] | undefined) ?? [];
}

/** The certificate GET replaces the detail (X.509 fields and policy); without it the list's thumbprint is kept. */
export function applyCertificateDetail(row: AssetRow, cd: CertificateDetail | undefined, x5t?: string): void {
  if (cd) {
    const { version, ...rest } = cd;
    // the version list is not part of the certificate GET: keep the last known one if the listing fails
    row.detail = { ...rest, thumbprint: rest.thumbprint ?? x5t, versions: row.detail.versions };
    if (version) row.currentVersion = version;
  } else if (x5t) row.detail.thumbprint = x5t;
}

/** A policy read alone (unchanged certificate in a full scan) replaces only the policy. */
export function applyCertificatePolicy(row: AssetRow, policy: CertificateDetail["policy"] | undefined): void {
  if (policy) row.detail.policy = policy;
}

/** Key parameters merge into the detail; the rotation policy replaces the stored one. */
export function applyKeyDetail(row: AssetRow, kd: KeyDetail | undefined, rp: RotationPolicySummary | undefined): void {
  if (kd) {
    const { version, ...rest } = kd;
    row.detail = { ...row.detail, ...rest };
    if (version) row.currentVersion = version;
  }
  if (rp) row.detail.rotationPolicy = rp;
}

/**
 * The version listing counts versions, keeps the newest ones' metadata and names the current one when no other call
 * did.
 */
export function applyVersions(row: AssetRow, vs: VersionSummary | undefined): void {
  if (!vs) return;
  row.versionCount = vs.count;
  row.detail.versions = vs.newest;
  if (!row.currentVersion && vs.latest) row.currentVersion = vs.latest;
}

/**
 * After the detail calls: a transient failure clears the fingerprint so the next scan (even delta) reads the detail
 * again; labels denied by permission are remembered on the row (delta keeps skipping them; full and forced retry).
 */
export function settleDetail(row: AssetRow, failed: boolean, denied: ReadonlySet<string>): void {
  if (failed) row.detailFingerprint = null;
  if (denied.size) row.detail.deniedDetail = [...denied].sort();
}

/**
 * Rows identical to what is stored are not rewritten (a delta scan of an unchanged vault writes almost nothing):
 * returns the rows to write and the "type/name" keys of the unchanged ones.
 */
export function splitUnchanged(
  rows: readonly AssetInsert[],
  stored: ReadonlyMap<string, StoredAsset>,
  detailCopied: ReadonlySet<string>,
): { changed: AssetInsert[]; unchanged: string[] } {
  const changed: AssetInsert[] = [];
  const unchanged: string[] = [];
  for (const r of rows) {
    const key = `${r.type}/${r.name}`;
    const prev = stored.get(key);
    if (prev && sameAsStored(r, prev, detailCopied.has(key))) unchanged.push(key);
    else changed.push(r);
  }
  return { changed, unchanged };
}

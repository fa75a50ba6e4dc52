/**
 * Per-object detail of one vault's listed objects (versions, certificate, key, policies), read as the scan mode
 * requires: delta skips unchanged objects, full re-reads only the policies of unchanged ones, forced reads everything.
 * A detail denied by permission is asked once per vault; other failures are recorded per object.
 */
import {
  AbortedError,
  classifyError,
  getCertificateDetail,
  getCertificatePolicy,
  getKeyDetail,
  getKeyRotationPolicy,
  chain,
  listVersions,
  mapBounded,
  Semaphore,
  type CallOptions,
  type CloudVault,
  type VaultReader,
  type KvItem,
} from "../cloud";
import type { ScanRun } from "../db/schema";
import {
  applyCertificateDetail,
  applyCertificatePolicy,
  applyKeyDetail,
  applyVersions,
  deniedLabels,
  fingerprint,
  MAX_VERSIONS_KEPT,
  listedRow,
  settleDetail,
  type AssetRow,
  type StoredAsset,
} from "./asset-rows";
import { computeExpiryStatus, type Thresholds } from "../expiry-status";
import type { VaultOutcome } from "./persist";
import { remediationFor } from "./remediation";
import type { ScanCounters } from "./scan-session";

type VaultError = VaultOutcome["errors"][number];
/** A detail call denied by permission: one remediation for the vault covers every denial. */
export type Denial = Omit<VaultError, "remediation">;

/**
 * What an object needs read: "same" — stored exactly as listed (delta), "unchanged" — delta, no call, "policies" —
 * full scan of an unchanged object, its policies only, "all" — every detail call.
 */
type Plan = "same" | "unchanged" | "policies" | "all";

/** Detail calls an object of `type` makes under `plan` (before any is denied). */
function plannedCalls(type: KvItem["type"], plan: Plan): number {
  if (plan === "same" || plan === "unchanged") return 0;
  if (plan === "policies") return type === "secret" ? 0 : 1;
  return type === "secret" ? 1 : type === "certificate" ? 2 : 3;
}

/** One more of a vault's connections for every this many detail calls (each connection is a TLS handshake). */
const CALLS_PER_CONNECTION = 20;

/** One object's detail calls: what was denied by permission, and whether any call failed otherwise. */
interface Attempt {
  failed: boolean;
  denied: Set<string>;
}

export class VaultObjectReader {
  /** detail label → the first permission denial in this vault (the same call is not made again) */
  readonly denied = new Map<string, Denial>();
  /** other detail failures, per label and object */
  readonly detailErrors = new Map<string, VaultError>();
  /** "type/name" of rows whose detail is the stored one, untouched */
  readonly detailCopied = new Set<string>();

  constructor(
    private readonly vault: CloudVault,
    private readonly kv: VaultReader,
    private readonly o: CallOptions,
    /** the scan's signal (the vault's own may be aborted by a failed list) */
    private readonly signal: AbortSignal,
    private readonly mode: ScanRun["mode"],
    private readonly stored: ReadonlyMap<string, StoredAsset>,
    /** delta: objects stored exactly as listed (deltaStored) → labels denied when last read; no row is built */
    private readonly same: ReadonlyMap<string, string[]>,
    private readonly thresholds: Thresholds,
    private readonly now: Date,
    private readonly counters: ScanCounters,
  ) {}

  /**
   * Reads every item, `limit` objects at a time; rows in list order, none for the objects stored as listed. The
   * vault's detail calls in flight are as many as its work needs: one more keep-alive connection (one more TLS
   * handshake, ~2 ms of CPU, docs/benchmarks.md) for every CALLS_PER_CONNECTION calls, up to `maxCalls` — so a full
   * scan of an unchanged vault, which re-reads only its policies, opens one or two connections instead of four.
   */
  async readAll(items: KvItem[], limit: number, maxCalls: number): Promise<AssetRow[]> {
    const plans = items.map((item) => this.plan(item));
    const calls = plans.reduce((n, p, i) => n + plannedCalls(items[i].type, p), 0);
    const inFlight = Math.min(maxCalls, Math.max(1, Math.ceil(calls / CALLS_PER_CONNECTION)));
    const o = { ...this.o, limiter: chain(new Semaphore(inFlight), this.o.limiter) };
    const rows = await mapBounded(items, limit, (item, i) => this.read(item, plans[i], o));
    return rows.filter((r): r is AssetRow => r !== undefined);
  }

  /** What an object needs read (decided from the listing and its stored row alone, before any call is made). */
  private plan(item: KvItem): Plan {
    const key = `${item.type}/${item.name}`;
    if (this.same.has(key)) return "same";
    const prev = this.stored.get(key);
    const unchanged = !!prev && prev.detailFingerprint === fingerprint(item);
    if (this.mode === "delta" && unchanged) return "unchanged";
    // Full scan of an unchanged object (same updated time, version and thumbprint, nothing denied last time): what
    // belongs to a version cannot have changed — the version count and the kept versions' metadata (versions are
    // append-only and a new one changes the current version's times), the X.509 fields, the key parameters — so only
    // what can change without a new version is read again: the certificate policy and the key rotation policy. A row
    // stored before versions were kept (no `detail.versions`) is read in full once.
    const policiesOnly =
      this.mode === "full" && unchanged && deniedLabels(prev).length === 0 && prev.detail.versions !== undefined;
    return policiesOnly ? "policies" : "all";
  }

  private async read(item: KvItem, plan: Plan, o: CallOptions): Promise<AssetRow | undefined> {
    const key = `${item.type}/${item.name}`;
    if (plan === "same") {
      this.keepUnchanged(this.same.get(key)!);
      return undefined;
    }
    const prev = this.stored.get(key);
    const fp = fingerprint(item);
    const status = computeExpiryStatus(item.expiresOn ?? null, this.now, this.thresholds);
    const row = listedRow(this.vault, item, prev, fp, status);
    if (plan === "unchanged") {
      this.keepUnchanged(deniedLabels(prev));
      this.detailCopied.add(key);
      return row;
    }
    if (plan === "policies") this.counters.detailSkipped++;
    await this.readDetail(item, row, plan === "policies", o);
    return row;
  }

  /** A delta's unchanged object: no detail call. */
  private keepUnchanged(previouslyDenied: readonly string[]): void {
    this.counters.detailSkipped++;
    // details denied by permission last time stay denied until a full/forced scan: keep the vault's warning
    for (const label of previouslyDenied)
      if (!this.denied.has(label))
        this.denied.set(label, {
          kind: "permission",
          message: `${label}: denied in an earlier scan (run a forced scan after granting the permission)`,
        });
  }

  private async readDetail(item: KvItem, row: AssetRow, policiesOnly: boolean, o: CallOptions): Promise<void> {
    const { kv } = this;
    const at: Attempt = { failed: false, denied: new Set() };
    delete row.detail.deniedDetail;
    const versions = policiesOnly
      ? Promise.resolve(undefined)
      : this.attempt(at, `${item.type} versions`, item, () =>
          listVersions(kv, item.type, item.name, o, MAX_VERSIONS_KEPT),
        );
    versions.catch(() => undefined); // awaited below; an abort must not surface as an unhandled rejection
    if (item.type === "certificate" && policiesOnly) {
      applyCertificatePolicy(
        row,
        await this.attempt(at, "certificate get", item, () => getCertificatePolicy(kv, item.name, o)),
      );
    } else if (item.type === "certificate") {
      const cd = await this.attempt(at, "certificate get", item, () => getCertificateDetail(kv, item.name, o));
      applyCertificateDetail(row, cd, item.x5t);
    } else if (item.type === "key") {
      const [kd, rp] = await Promise.all([
        policiesOnly ? undefined : this.attempt(at, "key get", item, () => getKeyDetail(kv, item.name, o)),
        this.attempt(at, "key rotation policy", item, () => getKeyRotationPolicy(kv, item.name, o)),
      ]);
      applyKeyDetail(row, kd, rp);
    }
    applyVersions(row, await versions);
    settleDetail(row, at.failed, at.denied);
  }

  /**
   * One detail call. Undefined when it was denied (now, or earlier in this vault: then it is not made) or failed;
   * only an abort of the scan rejects.
   */
  private async attempt<T>(at: Attempt, label: string, item: KvItem, fn: () => Promise<T>): Promise<T | undefined> {
    if (this.denied.has(label)) {
      at.denied.add(label);
      return undefined;
    }
    this.counters.detailCalls++;
    try {
      return await fn();
    } catch (e) {
      if (this.signal.aborted) throw new AbortedError();
      const c = classifyError(e);
      const code = c.innerCode ?? c.code;
      if (c.kind === "permission") {
        if (!this.denied.has(label)) this.denied.set(label, { kind: c.kind, code, message: `${label}: ${c.message}` });
        at.denied.add(label);
      } else {
        this.detailErrors.set(`${label}/${item.name}`, {
          kind: c.kind,
          code,
          message: `${label} '${item.name}': ${c.message}`,
          remediation: remediationFor(c, this.vault, "detail"),
        });
        at.failed = true;
      }
      return undefined;
    }
  }
}

/**
 * executeScan: runs a claimed scan as the system actor.
 *
 *   subscriptions (ARM, or the allow-list) → vaults (Resource Graph, ARM fallback) → per vault, with global and per-vault
 *   concurrency limits: diagnostic settings + secret/certificate/key lists (metadata only) + per-object detail (skipped in
 *   delta mode when the object is unchanged) → one transaction per vault → Graph apps, service principals, credentials.
 *
 * A vault's failure is classified and stored with a remediation; it never aborts the scan. A crash or cancel leaves the
 * previous inventory of every unfinished vault intact (per-vault atomic replacement).
 */
import { setMaxListeners } from "node:events";
import type { Agent } from "node:https";
import { and, eq, isNull } from "drizzle-orm";
import {
  AbortedError,
  chain,
  classifyError,
  sanitizeMessage,
  getCertificateDetail,
  getCertificatePolicy,
  getDiagnosticsEnabled,
  getKeyDetail,
  getKeyRotationPolicy,
  keyVaultClients,
  releaseKeyVaultClients,
  vaultAgent,
  listApplications,
  listItems,
  listOwners,
  listServicePrincipals,
  listSubscriptions,
  listVaultsArm,
  listVaultsResourceGraph,
  listVersions,
  mapBounded,
  Semaphore,
  type CallOptions,
  type CloudSubscription,
  type CloudVault,
  type GraphOwner,
  type GraphPrincipal,
  type KvItem,
  type Limiter,
  type RetryPolicy,
} from "../cloud";
import { audit } from "../audit/record";
import { systemCtx } from "../context";
import { getDb, getDbHandle } from "../db/client";
import { assets, scanErrors, scanRuns, type ScanRun, type ScanStats } from "../db/schema";
import { AppError } from "../errors";
import { logger } from "../log";
import { getSettings } from "../settings/store";
import { computeExpiryStatus, thresholdsFor, type ThresholdSettings } from "./expiry-status";
import {
  markVaultsRemoved,
  upsertSubscriptions,
  writeApps,
  writeVault,
  type AppCredentialInsert,
  type AppInsert,
  type AssetInsert,
  type VaultOutcome,
} from "./persist";
import { armRemediation, graphRemediation, remediationFor } from "./remediation";

const log = logger("discovery");

export interface ExecuteScanOptions {
  signal?: AbortSignal;
  /** overrides of the retry policy (tests use short timeouts) */
  retry?: Partial<RetryPolicy>;
  /** how often progress and the heartbeat are written (default 2 s) */
  heartbeatMs?: number;
}

type Progress = Required<
  Pick<
    ScanRun,
    "vaultsTotal" | "vaultsDone" | "vaultsFailed" | "objectsSeen" | "appsSeen" | "errorCount" | "requestCount"
  >
> & {
  retries: number;
  detailCalls: number;
  detailSkipped: number;
  rowsWritten: number;
};

type OldAsset = typeof assets.$inferSelect;

/** JSON with sorted keys (jsonb does not keep key order). */
function stable(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(stable).join(",")}]`;
  return `{${Object.keys(v as object)
    .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
    .join(",")}}`;
}

const ms = (d: Date | null | undefined) => (d ? d.getTime() : null);

/**
 * Would upserting `row` change the stored row? `detailIsPrev`: the row's detail is an untouched copy of the stored one
 * (a delta scan of an unchanged object), so the costly canonical comparison of the detail is skipped.
 */
function sameAsStored(row: AssetInsert, prev: OldAsset, detailIsPrev = false): boolean {
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
    stable(row.tags) === stable(prev.tags) &&
    (detailIsPrev || stable(row.detail) === stable(prev.detail))
  );
}

function fingerprint(i: KvItem): string {
  return [i.updatedOn?.getTime() ?? "", i.version ?? "", i.x5t ?? ""].join("|");
}

export async function executeScan(scanId: string, opts: ExecuteScanOptions = {}): Promise<ScanRun> {
  const db = await getDb();
  const dbKind = (await getDbHandle()).kind;
  const ctx = systemCtx("discovery.scan");
  const [claimed] = await db
    .update(scanRuns)
    .set({ status: "running", startedAt: new Date(), heartbeatAt: new Date() })
    .where(and(eq(scanRuns.id, scanId), eq(scanRuns.status, "queued")))
    .returning();
  const run = claimed ?? (await db.select().from(scanRuns).where(eq(scanRuns.id, scanId)).limit(1))[0];
  if (!run) throw new AppError("not_found", "Scan not found.");
  if (run.status !== "running") throw new AppError("conflict", `The scan is ${run.status}, not running.`);

  const started = Date.now();
  const now = new Date();
  const p: Progress = {
    vaultsTotal: 0,
    vaultsDone: 0,
    vaultsFailed: 0,
    objectsSeen: 0,
    appsSeen: 0,
    errorCount: 0,
    requestCount: 0,
    retries: 0,
    detailCalls: 0,
    detailSkipped: 0,
    rowsWritten: 0,
  };
  const stats: ScanStats = {};
  const ac = new AbortController();
  const onOuterAbort = () => ac.abort();
  if (opts.signal?.aborted) ac.abort();
  opts.signal?.addEventListener("abort", onOuterAbort, { once: true });
  const signal = ac.signal;
  // every in-flight request listens to the scan's signal
  setMaxListeners(0, signal);
  let cancelRequested = run.cancelRequested;
  // PGlite is one connection; PostgreSQL gets a few writers so DB time overlaps with network time.
  const writers = new Semaphore(dbKind === "pglite" ? 1 : 4);
  let dbMs = 0;

  const progressSet = () => ({
    heartbeatAt: new Date(),
    vaultsTotal: p.vaultsTotal,
    vaultsDone: p.vaultsDone,
    vaultsFailed: p.vaultsFailed,
    objectsSeen: p.objectsSeen,
    appsSeen: p.appsSeen,
    errorCount: p.errorCount,
    requestCount: p.requestCount,
    stats: {
      ...stats,
      requests: p.requestCount,
      retries: p.retries,
      detailCalls: p.detailCalls,
      detailSkipped: p.detailSkipped,
      rowsWritten: p.rowsWritten,
      dbMs: Math.round(dbMs),
      durationMs: Date.now() - started,
    },
  });
  let beating: Promise<void> | undefined;
  const beat = async () => {
    const [r] = await db
      .update(scanRuns)
      .set(progressSet())
      .where(eq(scanRuns.id, scanId))
      .returning({ cancelRequested: scanRuns.cancelRequested });
    if (r?.cancelRequested) cancelRequested = true;
  };
  const timer = setInterval(() => {
    if (beating) return;
    beating = beat()
      .catch((e) => log.warn({ scanId, err: (e as Error).message }, "heartbeat failed"))
      .finally(() => (beating = undefined));
  }, opts.heartbeatMs ?? 2000);
  timer.unref?.();

  await audit(
    { ...ctx, db },
    {
      action: "discovery.scan.started",
      target: { type: "scan", id: scanId },
      details: { mode: run.mode, scope: run.scope, trigger: run.trigger },
    },
  );
  log.info({ scanId, mode: run.mode, scope: run.scope }, "scan started");

  const stopRequested = () => signal.aborted || cancelRequested;
  const timed = async <T>(fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      dbMs += performance.now() - t;
    }
  };
  const scanLevelErrors: { scope: string; kind: string; code?: string; message: string; remediation: string }[] = [];

  let fatal: string | undefined;
  let complete = true;
  try {
    const settings = await getSettings(db, ["expiry.thresholds", "discovery.subscriptions", "discovery.concurrency"]);
    const thresholds = settings["expiry.thresholds"] as ThresholdSettings;
    const conc = settings["discovery.concurrency"];
    const allowList = settings["discovery.subscriptions"].allowList.map((s) => s.toLowerCase());
    const global = new Semaphore(conc.global);
    const callOpts = (limiter: Limiter, sig: AbortSignal = signal): CallOptions => ({
      signal: sig,
      limiter,
      retry: opts.retry,
      onAttempt: () => p.requestCount++,
      onRetry: () => p.retries++,
    });
    const globalOpts = callOpts(chain(global));
    const scope = run.scope ?? {};
    const unrestricted = !scope.subscriptions?.length && !scope.vaults?.length;

    // ---- subscriptions ---------------------------------------------------------------------------------------------
    let subs: CloudSubscription[];
    try {
      const visible = await listSubscriptions(globalOpts);
      await upsertSubscriptions(db, visible, { markMissingRemoved: true });
      subs = visible;
    } catch (e) {
      if (signal.aborted) throw new AbortedError();
      const c = classifyError(e);
      scanLevelErrors.push({
        scope: "subscriptions",
        kind: c.kind,
        code: c.code,
        message: c.message,
        remediation: armRemediation(c, "the tenant's subscriptions"),
      });
      if (!allowList.length && !scope.subscriptions?.length)
        throw new Error(`could not list subscriptions: ${c.message}`);
      subs = [...new Set([...allowList, ...(scope.subscriptions ?? [])])].map((id) => ({ id, displayName: id }));
    }
    if (allowList.length) subs = subs.filter((s) => allowList.includes(s.id));
    if (scope.subscriptions?.length) subs = subs.filter((s) => scope.subscriptions!.includes(s.id));
    stats.subscriptions = subs.length;

    // ---- vaults ----------------------------------------------------------------------------------------------------
    let listed: CloudVault[] = [];
    const completeSubs: string[] = [];
    try {
      listed = await listVaultsResourceGraph(
        subs.map((s) => s.id),
        globalOpts,
      );
      completeSubs.push(...subs.map((s) => s.id));
      stats.vaultListSource = "resource-graph";
    } catch (e) {
      if (signal.aborted) throw new AbortedError();
      const c = classifyError(e);
      log.warn(
        { scanId, kind: c.kind, status: c.status },
        "Resource Graph failed; falling back to ARM listBySubscription",
      );
      stats.vaultListSource = "arm";
      const per = await Promise.all(
        subs.map(async (s) => {
          try {
            const vs = await listVaultsArm(s.id, globalOpts);
            completeSubs.push(s.id);
            return vs;
          } catch (err) {
            if (signal.aborted) throw new AbortedError();
            const ce = classifyError(err);
            scanLevelErrors.push({
              scope: s.id,
              kind: ce.kind,
              code: ce.code,
              message: ce.message,
              remediation: armRemediation(ce, `subscription ${s.displayName}`),
            });
            return [];
          }
        }),
      );
      listed = per.flat();
    }
    const wanted = scope.vaults?.length ? new Set(scope.vaults.map((v) => v.toLowerCase())) : undefined;
    const targets = wanted ? listed.filter((v) => wanted.has(v.name.toLowerCase()) || wanted.has(v.id)) : listed;
    p.vaultsTotal = targets.length;
    await beat();

    // ---- per vault -------------------------------------------------------------------------------------------------
    const scanVault = async (v: CloudVault): Promise<VaultOutcome> => {
      const agent = vaultAgent(conc.perVault);
      try {
        return await scanVaultWith(v, agent);
      } finally {
        agent.destroy();
      }
    };
    const scanVaultWith = async (v: CloudVault, agent: Agent): Promise<VaultOutcome> => {
      const perVault = new Semaphore(conc.perVault);
      // a vault-level signal: when one list fails, its siblings stop instead of finishing in the background
      const vaultAc = new AbortController();
      setMaxListeners(0, vaultAc.signal);
      const onScanAbort = () => vaultAc.abort();
      signal.addEventListener("abort", onScanAbort, { once: true });
      try {
        return await scanVaultInner(v, agent, callOpts(chain(perVault, global), vaultAc.signal), vaultAc);
      } finally {
        signal.removeEventListener("abort", onScanAbort);
      }
    };
    const scanVaultInner = async (
      v: CloudVault,
      agent: Agent,
      o: CallOptions,
      vaultAc: AbortController,
    ): Promise<VaultOutcome> => {
      const out: VaultOutcome = {
        vault: v,
        scanId,
        diagnosticsEnabled: null,
        accessStatus: "ok",
        accessError: null,
        assets: null,
        errors: [],
      };
      const diag = getDiagnosticsEnabled(v.armId, { ...o, signal }).then(
        (d) => {
          out.diagnosticsEnabled = d;
        },
        (e) => {
          if (signal.aborted) return;
          const c = classifyError(e);
          out.errors.push({
            kind: c.kind,
            code: c.code,
            message: `diagnostic settings: ${c.message}`,
            remediation: armRemediation(c, v.name),
          });
        },
      );
      if (!v.vaultUri) {
        await diag;
        const msg = "the vault has no vaultUri in ARM";
        out.accessStatus = "unknown";
        out.accessError = { message: msg, remediation: remediationFor({ kind: "unknown", message: msg }, v) };
        out.errors.push({ kind: "unknown", message: msg, remediation: out.accessError.remediation });
        return out;
      }
      const kv = keyVaultClients(v.vaultUri, agent);
      try {
        return await scanVaultObjects(v, kv, o, vaultAc, out, diag);
      } finally {
        releaseKeyVaultClients(kv);
      }
    };
    const scanVaultObjects = async (
      v: CloudVault,
      kv: ReturnType<typeof keyVaultClients>,
      o: CallOptions,
      vaultAc: AbortController,
      out: VaultOutcome,
      diag: Promise<void>,
    ): Promise<VaultOutcome> => {
      let items: KvItem[] | undefined;
      try {
        const lists = await Promise.all(
          (["secret", "certificate", "key"] as const).map((t) => listItems(kv, v.vaultUri!, t, o)),
        );
        // managed secrets/keys back certificates: the certificate row represents them
        items = lists.flat().filter((i) => !i.managed);
      } catch (e) {
        vaultAc.abort();
        await diag;
        if (signal.aborted) throw new AbortedError();
        const c = classifyError(e);
        const remediation = remediationFor(c, v);
        out.accessStatus = c.kind;
        out.accessError = { code: c.innerCode ?? c.code, message: c.message, remediation };
        out.errors.push({ kind: c.kind, code: c.innerCode ?? c.code, message: c.message, remediation });
        return out;
      }
      p.objectsSeen += items.length;

      const oldRows: OldAsset[] = await timed(() =>
        db
          .select()
          .from(assets)
          .where(and(eq(assets.vaultId, v.id), isNull(assets.removedAt))),
      );
      const old = new Map(oldRows.map((r) => [`${r.type}/${r.name}`, r]));
      const denied = new Map<string, { kind: string; code?: string; message: string }>();
      const detailErrors = new Map<string, { kind: string; code?: string; message: string; remediation: string }>();
      const th = thresholdsFor(thresholds, v.subscriptionId);

      const guarded = async <T>(label: string, item: KvItem, fn: () => Promise<T>): Promise<T | undefined> => {
        if (denied.has(label)) return undefined;
        p.detailCalls++;
        try {
          return await fn();
        } catch (e) {
          if (signal.aborted) throw new AbortedError();
          const c = classifyError(e);
          if (c.kind === "permission") {
            if (!denied.has(label))
              denied.set(label, { kind: c.kind, code: c.innerCode ?? c.code, message: `${label}: ${c.message}` });
          } else {
            detailErrors.set(`${label}/${item.name}`, {
              kind: c.kind,
              code: c.innerCode ?? c.code,
              message: `${label} '${item.name}': ${c.message}`,
              remediation: remediationFor(c, v, "detail"),
            });
          }
          throw Object.assign(new Error("detail failed"), { detailFailed: true, permission: c.kind === "permission" });
        }
      };

      const detailCopied = new Set<string>();
      // twice the per-vault limit: an object's detail calls (versions ∥ GET ∥ policy) rarely fill a slot on their own
      const rows = await mapBounded(items, conc.perVault * 2, async (item): Promise<AssetInsert> => {
        const fp = fingerprint(item);
        const prev = old.get(`${item.type}/${item.name}`);
        let detail: Record<string, unknown> = { ...(prev?.detail ?? {}) };
        let versionCount = prev?.versionCount ?? null;
        let currentVersion = item.version ?? prev?.currentVersion ?? null;
        let detailFingerprint: string | null = fp;
        const unchanged = !!prev && prev.detailFingerprint === fp;
        const previouslyDenied = (prev?.detail.deniedDetail as string[] | undefined) ?? [];
        if (run.mode === "delta" && unchanged) {
          p.detailSkipped++;
          detailCopied.add(`${item.type}/${item.name}`);
          // details denied by permission last time stay denied until a full/forced scan: keep the vault's warning
          for (const label of previouslyDenied)
            if (!denied.has(label))
              denied.set(label, {
                kind: "permission",
                message: `${label}: denied in an earlier scan (run a forced scan after granting the permission)`,
              });
        } else {
          // Full scan of an unchanged object (same updated time, version and thumbprint, nothing denied last time):
          // what belongs to a version cannot have changed — the version count (versions are append-only and a new one
          // changes the current version's times), the X.509 fields, the key parameters — so only what can change
          // without a new version is read again: the certificate policy and the key rotation policy.
          const policiesOnly = run.mode === "full" && unchanged && previouslyDenied.length === 0;
          if (policiesOnly) p.detailSkipped++;
          let failed = false;
          const deniedHere = new Set<string>();
          delete detail.deniedDetail;
          const tryDetail = async <T>(label: string, fn: () => Promise<T>): Promise<T | undefined> => {
            try {
              const r = await guarded(label, item, fn);
              if (r === undefined) deniedHere.add(label); // skipped: already denied in this vault
              return r;
            } catch (e) {
              const d = e as { detailFailed?: boolean; permission?: boolean };
              if (d.detailFailed) {
                if (d.permission) deniedHere.add(label);
                else failed = true;
                return undefined;
              }
              throw e;
            }
          };
          const versions = policiesOnly
            ? Promise.resolve(undefined)
            : tryDetail(`${item.type} versions`, () => listVersions(kv, item.type, item.name, o));
          versions.catch(() => undefined); // awaited below; an abort must not surface as an unhandled rejection
          if (item.type === "certificate" && policiesOnly) {
            const pol = await tryDetail("certificate get", () => getCertificatePolicy(kv, item.name, o));
            if (pol) detail.policy = pol;
          } else if (item.type === "certificate") {
            const cd = await tryDetail("certificate get", () => getCertificateDetail(kv, item.name, o));
            if (cd) {
              const { version, ...rest } = cd;
              detail = { ...rest, thumbprint: rest.thumbprint ?? item.x5t };
              if (version) currentVersion = version;
            } else if (item.x5t) detail.thumbprint = item.x5t;
          } else if (item.type === "key") {
            const [kd, rp] = await Promise.all([
              policiesOnly ? undefined : tryDetail("key get", () => getKeyDetail(kv, item.name, o)),
              tryDetail("key rotation policy", () => getKeyRotationPolicy(kv, item.name, o)),
            ]);
            if (kd) {
              const { version, ...rest } = kd;
              detail = { ...detail, ...rest };
              if (version) currentVersion = version;
            }
            if (rp) detail.rotationPolicy = rp;
          }
          const vs = await versions;
          if (vs) {
            versionCount = vs.count;
            if (!currentVersion && vs.latest) currentVersion = vs.latest;
          }
          // a transient detail failure is fetched again next time, even in delta mode; a permission denial is
          // remembered (delta keeps skipping it; full and forced scans try again)
          if (failed) detailFingerprint = null;
          if (deniedHere.size) detail.deniedDetail = [...deniedHere].sort();
        }
        return {
          vaultId: v.id,
          subscriptionId: v.subscriptionId,
          type: item.type,
          name: item.name,
          objectId: item.objectId,
          currentVersion,
          enabled: item.enabled,
          notBefore: item.notBefore ?? null,
          expiresOn: item.expiresOn ?? null,
          createdOn: item.createdOn ?? null,
          updatedOn: item.updatedOn ?? null,
          contentType: item.contentType ?? null,
          managed: item.managed,
          recoveryLevel: item.recoveryLevel ?? null,
          tags: item.tags,
          versionCount,
          status: computeExpiryStatus(item.expiresOn ?? null, now, th),
          detail,
          detailFingerprint,
        };
      });
      await diag;
      // rows identical to what is stored are not rewritten (a delta scan of an unchanged vault writes almost nothing)
      out.assets = [];
      out.unchanged = [];
      for (const r of rows) {
        const key = `${r.type}/${r.name}`;
        const prev = old.get(key);
        if (prev && sameAsStored(r, prev, detailCopied.has(key))) out.unchanged.push(key);
        else out.assets.push(r);
      }
      if (denied.size) {
        const first = [...denied.values()][0];
        const remediation = remediationFor({ kind: "permission", message: first.message }, v, "detail");
        out.accessStatus = "permission";
        out.accessError = {
          code: first.code,
          message: `Objects listed, but details could not be read (${[...denied.keys()].join(", ")}): ${first.message}`,
          remediation,
        };
        for (const d of denied.values()) out.errors.push({ ...d, remediation });
      }
      out.errors.push(...detailErrors.values());
      return out;
    };

    // Enough vaults in flight to keep the global limit busy (a vault's list pages are sequential, so one vault rarely
    // fills its per-vault limit), few enough to bound memory: one vault's objects per slot.
    const vaultSlots = Math.max(2, conc.global);
    const queue = [...targets];
    const seenVaultIds = targets.map((v) => v.id);
    const worker = async () => {
      for (let v = queue.shift(); v; v = queue.shift()) {
        if (stopRequested()) return;
        let outcome: VaultOutcome;
        try {
          outcome = await scanVault(v);
        } catch (e) {
          if (signal.aborted || e instanceof AbortedError) return;
          const c = classifyError(e);
          outcome = {
            vault: v,
            scanId,
            diagnosticsEnabled: null,
            accessStatus: c.kind,
            accessError: { code: c.code, message: c.message, remediation: remediationFor(c, v) },
            assets: null,
            errors: [{ kind: c.kind, code: c.code, message: c.message, remediation: remediationFor(c, v) }],
          };
        }
        if (signal.aborted) return;
        try {
          const written = await writers.run(() =>
            timed(() =>
              db.transaction(async (tx) => {
                const n = await writeVault(tx, outcome);
                if (outcome.errors.length)
                  await audit(
                    { ...ctx, db: tx },
                    {
                      action: "discovery.vault.error",
                      outcome: "failure",
                      target: { type: "vault", id: v.id },
                      details: {
                        scanId,
                        vault: v.name,
                        accessStatus: outcome.accessStatus,
                        errors: outcome.errors.map((e) => ({ kind: e.kind, code: e.code ?? null })),
                      },
                    },
                  );
                return n;
              }),
            ),
          );
          p.rowsWritten += written;
        } catch (e) {
          // a failed write loses nothing (the transaction rolled back: the vault keeps its previous inventory)
          if (signal.aborted) return;
          const message = sanitizeMessage(
            `inventory write failed: ${(e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message}`,
          ).slice(0, 300);
          log.error({ scanId, vault: v.name, err: message }, "vault write failed");
          scanLevelErrors.push({
            scope: v.id,
            kind: "unknown",
            message,
            remediation:
              "The database rejected the vault's inventory; the previous inventory is kept. Check the database logs and retry the scan.",
          });
          p.vaultsDone++;
          p.vaultsFailed++;
          continue;
        }
        p.vaultsDone++;
        if (outcome.assets === null) p.vaultsFailed++;
        p.errorCount += outcome.errors.length;
      }
    };
    await Promise.all(Array.from({ length: Math.min(vaultSlots, Math.max(1, targets.length)) }, worker));
    if (stopRequested() || queue.length) complete = false;

    // ---- removed vaults --------------------------------------------------------------------------------------------
    if (complete && !wanted) {
      const gone = await markVaultsRemoved(db, seenVaultIds, completeSubs);
      if (gone) log.info({ scanId, gone }, "vaults marked removed");
    }

    // ---- Graph: app registrations and service principals -----------------------------------------------------------
    if (complete && unrestricted && !stopRequested()) {
      try {
        const [apps, sps] = await Promise.all([listApplications(globalOpts), listServicePrincipals(globalOpts)]);
        const principals: GraphPrincipal[] = [...apps, ...sps];
        const owners = new Map<string, GraphOwner[]>();
        let ownerError: ReturnType<typeof classifyError> | undefined;
        await Promise.all(
          principals.map(async (a) => {
            try {
              owners.set(a.id, await listOwners(a.kind, a.id, globalOpts));
            } catch (e) {
              if (signal.aborted) throw new AbortedError();
              ownerError ??= classifyError(e);
            }
          }),
        );
        if (ownerError)
          scanLevelErrors.push({
            scope: "graph",
            kind: ownerError.kind,
            code: ownerError.code,
            message: `owners: ${ownerError.message}`,
            remediation: graphRemediation(ownerError),
          });
        const appRows: AppInsert[] = principals.map((a) => ({
          id: a.id,
          kind: a.kind,
          appId: a.appId,
          displayName: a.displayName,
          owners: owners.get(a.id) ?? [],
          createdDateTime: a.createdDateTime ? new Date(a.createdDateTime) : null,
        }));
        const credRows: AppCredentialInsert[] = principals.flatMap((a) => [
          ...a.passwordCredentials.map((c) => ({
            appObjectId: a.id,
            keyId: c.keyId,
            type: "password" as const,
            displayName: c.displayName ?? null,
            hint: c.hint ?? null,
            startDateTime: c.startDateTime ? new Date(c.startDateTime) : null,
            endDateTime: c.endDateTime ? new Date(c.endDateTime) : null,
            status: computeExpiryStatus(c.endDateTime ?? null, now, thresholds),
          })),
          ...a.keyCredentials.map((c) => ({
            appObjectId: a.id,
            keyId: c.keyId,
            type: "certificate" as const,
            displayName: c.displayName ?? null,
            hint: null,
            startDateTime: c.startDateTime ? new Date(c.startDateTime) : null,
            endDateTime: c.endDateTime ? new Date(c.endDateTime) : null,
            status: computeExpiryStatus(c.endDateTime ?? null, now, thresholds),
          })),
        ]);
        if (!signal.aborted) {
          const n = await writers.run(() => timed(() => db.transaction((tx) => writeApps(tx, appRows, credRows))));
          p.rowsWritten += n;
          p.appsSeen = principals.length;
        }
      } catch (e) {
        if (signal.aborted || e instanceof AbortedError) complete = false;
        else {
          const c = classifyError(e);
          scanLevelErrors.push({
            scope: "graph",
            kind: c.kind,
            code: c.code,
            message: c.message,
            remediation: graphRemediation(c),
          });
        }
      }
    }
  } catch (e) {
    if (signal.aborted || e instanceof AbortedError) complete = false;
    else {
      fatal = sanitizeMessage(e instanceof Error ? e.message : String(e)).slice(0, 500);
      log.error({ scanId, err: fatal }, "scan failed");
    }
  } finally {
    clearInterval(timer);
    opts.signal?.removeEventListener("abort", onOuterAbort);
    await beating;
  }

  // ---- finish --------------------------------------------------------------------------------------------------------
  p.errorCount += scanLevelErrors.length;
  const status: ScanRun["status"] = fatal
    ? "failed"
    : signal.aborted || cancelRequested || !complete
      ? "cancelled"
      : p.errorCount > 0
        ? "completed_with_errors"
        : "completed";
  const error =
    fatal ?? (signal.aborted ? "aborted (worker stopping)" : status === "cancelled" ? "cancelled by request" : null);
  stats.durationMs = Date.now() - started;
  const final = await db.transaction(async (tx) => {
    if (scanLevelErrors.length)
      await tx.insert(scanErrors).values(
        scanLevelErrors.map((e) => ({
          scanId,
          scope: e.scope,
          kind: e.kind,
          code: e.code ?? null,
          message: e.message,
          remediation: e.remediation,
        })),
      );
    const [row] = await tx
      .update(scanRuns)
      .set({ ...progressSet(), status, error, finishedAt: new Date() })
      .where(eq(scanRuns.id, scanId))
      .returning();
    const details = {
      mode: run.mode,
      status,
      vaultsTotal: p.vaultsTotal,
      vaultsDone: p.vaultsDone,
      vaultsFailed: p.vaultsFailed,
      objectsSeen: p.objectsSeen,
      appsSeen: p.appsSeen,
      errorCount: p.errorCount,
      requestCount: p.requestCount,
      durationMs: stats.durationMs,
    };
    if (status === "failed")
      await audit(
        { ...ctx, db: tx },
        {
          action: "discovery.scan.failed",
          outcome: "failure",
          target: { type: "scan", id: scanId },
          details: { ...details, error },
        },
      );
    else if (status === "cancelled")
      await audit(
        { ...ctx, db: tx },
        {
          action: "discovery.scan.cancelled",
          target: { type: "scan", id: scanId },
          details: { ...details, reason: error },
        },
      );
    else
      await audit(
        { ...ctx, db: tx },
        { action: "discovery.scan.completed", target: { type: "scan", id: scanId }, details },
      );
    return row;
  });
  log.info(
    {
      scanId,
      status,
      vaults: p.vaultsDone,
      objects: p.objectsSeen,
      errors: p.errorCount,
      requests: p.requestCount,
      ms: stats.durationMs,
    },
    "scan finished",
  );
  return final;
}

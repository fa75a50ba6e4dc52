/**
 * One vault: diagnostic settings ∥ its subscription's Defender plan ∥ secret/certificate/key lists (metadata only) →
 * per-object detail → the outcome to write (changed rows, unchanged keys, access status and errors with their
 * remediation). Nothing is written here.
 */
import { setMaxListeners } from "node:events";
import type { Dispatcher } from "undici";
import {
  AbortedError,
  classifyError,
  getDiagnosticSettings,
  listItems,
  vaultConnections,
  VaultReader,
  type CallOptions,
  type ClassifiedError,
  type CloudVault,
  type KvItem,
  type RejectedItem,
} from "../cloud";

import { splitUnchanged } from "./asset-rows";
import { computeExpiryStatus, thresholdsFor } from "../expiry-status";
import { deltaStored, storedRows } from "./delta-stored";
import { VaultObjectReader } from "./object-details";
import type { DefenderPlans } from "./defender-plans";
import type { VaultOutcome } from "./persist";
import { armRemediation, remediationFor } from "./remediation";
import type { ScanConfig } from "./scan-config";
import { classifyScanError, rejectedItemError } from "./scan-failures";
import type { ScanSession } from "./scan-session";

const KINDS = ["secret", "certificate", "key"] as const;

export async function scanVault(
  session: ScanSession,
  config: ScanConfig,
  v: CloudVault,
  defender: DefenderPlans,
): Promise<VaultOutcome> {
  const connections = vaultConnections(config.perVault);
  // a vault-level signal: when a list fails, the vault's other calls in flight stop instead of finishing in the background
  const vaultAc = new AbortController();
  setMaxListeners(0, vaultAc.signal);
  const onScanAbort = () => vaultAc.abort();
  session.signal.addEventListener("abort", onScanAbort, { once: true });
  try {
    const o = session.callOptions(config.limits.forVault(v.subscriptionId, v.name), vaultAc.signal);
    return await readVault(session, config, v, connections, o, vaultAc, defender);
  } finally {
    session.signal.removeEventListener("abort", onScanAbort);
    // every request of the vault has settled: nothing is left for destroy() to fail
    connections.destroy().catch(() => undefined);
  }
}

/** The outcome of a vault whose scan threw: nothing of it is known, its previous inventory is kept. */
export function unreadableVault(scanId: string, v: CloudVault, c: ClassifiedError): VaultOutcome {
  return {
    vault: v,
    scanId,
    accessStatus: c.kind,
    accessError: { code: c.code, message: c.message, remediation: remediationFor(c, v) },
    assets: null,
    errors: [{ kind: c.kind, code: c.code, message: c.message, remediation: remediationFor(c, v) }],
  };
}

async function readVault(
  session: ScanSession,
  config: ScanConfig,
  v: CloudVault,
  connections: Dispatcher,
  o: CallOptions,
  vaultAc: AbortController,
  defender: DefenderPlans,
): Promise<VaultOutcome> {
  const out: VaultOutcome = {
    vault: v,
    scanId: session.scanId,
    accessStatus: "ok",
    accessError: null,
    assets: null,
    errors: [],
  };
  // the monitoring reads run on the scan's signal: a failed object list must not turn them into unknowns
  const diagnostics = getDiagnosticSettings(v.armId, { ...o, signal: session.signal }).then(
    (d) => {
      out.diagnostics = d;
    },
    (e) => {
      out.diagnostics = null;
      if (session.signal.aborted) return;
      const c = classifyError(e);
      out.errors.push({
        kind: c.kind,
        code: c.code,
        message: `diagnostic settings: ${c.message}`,
        remediation: armRemediation(c, v.name),
      });
    },
  );
  const plan = defender.tierOf(v.subscriptionId).then(
    (t) => {
      out.defenderForKeyVault = t;
    },
    () => undefined, // only an abort rejects; the scan's own signal reports it
  );
  const diag = Promise.all([diagnostics, plan]).then(() => undefined);
  if (!v.vaultUri) {
    await diag;
    const msg = "the vault has no vaultUri in ARM";
    out.accessStatus = "unknown";
    out.accessError = { message: msg, remediation: remediationFor({ kind: "unknown", message: msg }, v) };
    out.errors.push({ kind: "unknown", message: msg, remediation: out.accessError.remediation });
    return out;
  }
  return readObjects(session, config, v, new VaultReader(v.vaultUri, connections), o, vaultAc, out, diag);
}

/**
 * The vault's three listings, one after another on one keep-alive connection: in parallel each listing opened a TLS
 * connection of its own, and a handshake costs the scanner more CPU than a listing (docs/benchmarks.md). The scan
 * keeps as many requests in flight either way: its vault slots fill the global limit.
 */
async function listAll(kv: VaultReader, vaultUri: string, o: CallOptions) {
  const lists = [];
  for (const t of KINDS) lists.push(await listItems(kv, vaultUri, t, o));
  return lists;
}

async function readObjects(
  session: ScanSession,
  config: ScanConfig,
  v: CloudVault,
  kv: VaultReader,
  o: CallOptions,
  vaultAc: AbortController,
  out: VaultOutcome,
  diag: Promise<void>,
): Promise<VaultOutcome> {
  let items: KvItem[];
  let rejected: RejectedItem[];
  try {
    const lists = await listAll(kv, v.vaultUri!, o);
    // managed secrets/keys back certificates: the certificate row represents them
    items = lists.flatMap((l) => l.items).filter((i) => !i.managed);
    rejected = lists.flatMap((l) => l.rejected);
  } catch (e) {
    vaultAc.abort();
    await diag;
    if (session.signal.aborted) throw new AbortedError();
    const c = classifyScanError(e, { scanId: session.scanId, scope: v.id });
    const remediation = remediationFor(c, v);
    out.accessStatus = c.kind;
    out.accessError = { code: c.innerCode ?? c.code, message: c.message, remediation };
    out.errors.push({ kind: c.kind, code: c.innerCode ?? c.code, message: c.message, remediation });
    return out;
  }
  const thresholds = thresholdsFor(config.thresholds, v.subscriptionId);
  // a delta compares the listing with the stored rows in the database; a full scan reads the detail anyway
  const { same, stored } =
    session.run.mode === "delta"
      ? await session.timed(() =>
          deltaStored(session.db, v, items, (i) => computeExpiryStatus(i.expiresOn ?? null, session.now, thresholds)),
        )
      : { same: new Map<string, string[]>(), stored: await session.timed(() => storedRows(session.db, v.id)) };
  const reader = new VaultObjectReader(
    v,
    kv,
    o,
    session.signal,
    session.run.mode,
    stored,
    same,
    thresholds,
    session.now,
    session.counters,
  );
  // twice the per-vault limit: an object's detail calls (versions ∥ GET ∥ policy) rarely fill a slot on their own
  const rows = await reader.readAll(items, config.perVault * 2, config.perVault);
  await diag;
  const { changed, unchanged } = splitUnchanged(rows, stored, reader.detailCopied);
  out.assets = changed;
  // a skipped object still exists: listed as untouched, so its stored row is not marked removed
  out.unchanged = [...same.keys(), ...unchanged, ...rejected.flatMap((r) => (r.name ? [`${r.kind}/${r.name}`] : []))];
  for (const r of rejected) out.errors.push(rejectedItemError(r));
  if (reader.denied.size) {
    const first = [...reader.denied.values()][0];
    const remediation = remediationFor({ kind: "permission", message: first.message }, v, "detail");
    out.accessStatus = "permission";
    out.accessError = {
      code: first.code,
      message: `Objects listed, but details could not be read (${[...reader.denied.keys()].join(", ")}): ${first.message}`,
      remediation,
    };
    for (const d of reader.denied.values()) out.errors.push({ ...d, remediation });
  }
  out.errors.push(...reader.detailErrors.values());
  return out;
}

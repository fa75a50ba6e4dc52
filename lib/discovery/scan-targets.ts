/**
 * Which vaults a scan reads: subscriptions (ARM, or the allow-list and the requested scope when ARM refuses) → vaults
 * (Resource Graph across subscriptions; ARM per subscription as the fallback) → the requested scope.
 */
import {
  AbortedError,
  listSubscriptions,
  listVaultsArm,
  listVaultsResourceGraph,
  type CloudSubscription,
  type CloudVault,
  type Listing,
} from "../cloud";
import { logger } from "../log";
import { upsertSubscriptions } from "./persist-removals";
import { armRemediation } from "./remediation";
import { classifyScanError, rejectedItemError } from "./scan-failures";
import type { ScanConfig } from "./scan-config";
import type { ScanSession } from "./scan-session";

const log = logger("discovery");

export interface ScanTargets {
  vaults: CloudVault[];
  /** subscriptions whose vault listing is complete: only their unseen vaults may be marked removed */
  completeSubscriptions: string[];
  /** the scan was limited to chosen vaults: vaults not chosen are not "unseen" */
  vaultsChosen: boolean;
}

export async function listScanTargets(session: ScanSession, config: ScanConfig): Promise<ScanTargets> {
  const scope = session.run.scope ?? {};
  const subs = await scanSubscriptions(session, config);
  session.stats.subscriptions = subs.length;
  const { vaults, completeSubscriptions } = await listVaults(session, config, subs);
  const wanted = scope.vaults?.length ? new Set(scope.vaults.map((v) => v.toLowerCase())) : undefined;
  return {
    vaults: wanted ? vaults.filter((v) => wanted.has(v.name.toLowerCase()) || wanted.has(v.id)) : vaults,
    completeSubscriptions,
    vaultsChosen: !!wanted,
  };
}

async function scanSubscriptions(session: ScanSession, config: ScanConfig): Promise<CloudSubscription[]> {
  const scope = session.run.scope ?? {};
  const { allowList } = config;
  let subs: CloudSubscription[];
  try {
    const visible = await listSubscriptions(config.globalOpts);
    await upsertSubscriptions(session.db, visible, { markMissingRemoved: true });
    subs = visible;
  } catch (e) {
    if (session.signal.aborted) throw new AbortedError();
    const c = classifyScanError(e, { scanId: session.scanId, scope: "subscriptions" });
    session.recordError({
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
  return subs;
}

async function listVaults(
  session: ScanSession,
  config: ScanConfig,
  subs: CloudSubscription[],
): Promise<{ vaults: CloudVault[]; completeSubscriptions: string[] }> {
  try {
    const listing = await listVaultsResourceGraph(
      subs.map((s) => s.id),
      config.globalOpts,
    );
    session.stats.vaultListSource = "resource-graph";
    const vaults = keepValid(session, listing);
    return { vaults, completeSubscriptions: subs.map((s) => s.id).filter(listedWhole(listing)) };
  } catch (e) {
    if (session.signal.aborted) throw new AbortedError();
    const c = classifyScanError(e, { scanId: session.scanId, scope: "vaults" });
    log.warn(
      { scanId: session.scanId, kind: c.kind, status: c.status },
      "Resource Graph failed; falling back to ARM listBySubscription",
    );
    session.stats.vaultListSource = "arm";
    return listVaultsPerSubscription(session, config, subs);
  }
}

/** One subscription that cannot be listed is an error of the scan, not the end of it. */
async function listVaultsPerSubscription(
  session: ScanSession,
  config: ScanConfig,
  subs: CloudSubscription[],
): Promise<{ vaults: CloudVault[]; completeSubscriptions: string[] }> {
  const completeSubscriptions: string[] = [];
  const per = await Promise.all(
    subs.map(async (s) => {
      try {
        const listing = await listVaultsArm(s.id, config.globalOpts);
        if (listedWhole(listing)(s.id)) completeSubscriptions.push(s.id);
        return keepValid(session, listing);
      } catch (err) {
        if (session.signal.aborted) throw new AbortedError();
        const ce = classifyScanError(err, { scanId: session.scanId, scope: s.id });
        session.recordError({
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
  return { vaults: per.flat(), completeSubscriptions };
}

/** The vaults that passed the shape check; each skipped one is an error of the scan (scope "vaults"). */
function keepValid(session: ScanSession, listing: Listing<CloudVault>): CloudVault[] {
  for (const r of listing.rejected) session.recordError({ scope: "vaults", ...rejectedItemError(r) });
  return listing.items;
}

/**
 * Whether a subscription's listing may mark unseen vaults removed: not if a vault of it (or one whose subscription
 * cannot be told) was skipped as malformed — that vault still exists.
 */
function listedWhole(listing: Listing<CloudVault>): (subscriptionId: string) => boolean {
  const subs = listing.rejected.map((r) => /\/subscriptions\/([^/]+)\//i.exec(r.ref)?.[1]?.toLowerCase() ?? "*");
  return (id) => !subs.includes("*") && !subs.includes(id);
}

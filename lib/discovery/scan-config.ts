/** What a scan run reads from Settings once, at its start, and the global call limit built from it. */
import { chain, Semaphore, type CallOptions } from "../cloud";
import { getSettings } from "../settings/store";
import type { ThresholdSettings } from "../expiry-status";
import type { ScanSession } from "./scan-session";

export interface ScanConfig {
  thresholds: ThresholdSettings;
  /** subscription allow-list (lower case); empty = every subscription the identity sees */
  allowList: string[];
  /** concurrent calls per vault */
  perVault: number;
  /** concurrent calls across the whole scan */
  global: Semaphore;
  /** call options for scan-wide calls (ARM, Resource Graph, Graph): the global limit only */
  globalOpts: CallOptions;
}

export async function loadScanConfig(session: ScanSession): Promise<ScanConfig> {
  const settings = await getSettings(session.db, [
    "expiry.thresholds",
    "discovery.subscriptions",
    "discovery.concurrency",
  ]);
  const conc = settings["discovery.concurrency"];
  const global = new Semaphore(conc.global);
  return {
    thresholds: settings["expiry.thresholds"] as ThresholdSettings,
    allowList: settings["discovery.subscriptions"].allowList.map((s) => s.toLowerCase()),
    perVault: conc.perVault,
    global,
    globalOpts: session.callOptions(chain(global)),
  };
}

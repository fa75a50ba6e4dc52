/** What a scan run reads from Settings once, at its start, and the global call limit built from it. */
import type { CallOptions } from "../cloud";
import { getSettings } from "../settings/store";
import type { ThresholdSettings } from "../expiry-status";
import { ScanLimits } from "./scan-limits";
import type { ScanSession } from "./scan-session";

export interface ScanConfig {
  thresholds: ThresholdSettings;
  /** subscription allow-list (lower case); empty = every subscription the identity sees */
  allowList: string[];
  /** concurrent calls per vault (its ceiling when the limits are adaptive) */
  perVault: number;
  /** the scan's concurrency: global, per subscription, per vault */
  limits: ScanLimits;
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
  const limits = new ScanLimits({ global: conc.global, perVault: conc.perVault, adaptive: conc.adaptive ?? true });
  return {
    thresholds: settings["expiry.thresholds"] as ThresholdSettings,
    allowList: settings["discovery.subscriptions"].allowList.map((s) => s.toLowerCase()),
    perVault: conc.perVault,
    limits,
    globalOpts: session.callOptions(limits.scanWide()),
  };
}

/**
 * Expiry status of an object, an object version or an app credential — a pure function, shared by discovery (the status
 * stored with each row) and the inventory read models (the status of each kept version, computed when read).
 *   expired   expiresOn <= now
 *   critical  expiresOn <= now + criticalDays   (exactly N days left counts as critical)
 *   warning   expiresOn <= now + warningDays
 *   healthy   later, or no expiry (expiresOn null — the "no expiry" facet is expiresOn IS NULL)
 * Disabled objects get a status from their date like any other (the "disabled" facet is enabled = false).
 */
export type ExpiryStatus = "healthy" | "warning" | "critical" | "expired";

export interface Thresholds {
  warningDays: number;
  criticalDays: number;
}

export interface ThresholdSettings extends Thresholds {
  perSubscription?: Record<string, Thresholds>;
}

export const DAY_MS = 86_400_000;

export function computeExpiryStatus(
  expiresOn: Date | string | number | null | undefined,
  now: Date | number,
  thresholds: Thresholds,
): ExpiryStatus {
  if (expiresOn === null || expiresOn === undefined) return "healthy";
  const exp =
    expiresOn instanceof Date ? expiresOn.getTime() : typeof expiresOn === "number" ? expiresOn : Date.parse(expiresOn);
  if (Number.isNaN(exp)) return "healthy";
  const t = now instanceof Date ? now.getTime() : now;
  if (exp <= t) return "expired";
  if (exp <= t + thresholds.criticalDays * DAY_MS) return "critical";
  if (exp <= t + thresholds.warningDays * DAY_MS) return "warning";
  return "healthy";
}

/** The thresholds in force for a subscription (per-subscription override, else global). Subscription ids compare case-insensitively. */
export function thresholdsFor(settings: ThresholdSettings, subscriptionId?: string | null): Thresholds {
  if (subscriptionId && settings.perSubscription) {
    const key = Object.keys(settings.perSubscription).find((k) => k.toLowerCase() === subscriptionId.toLowerCase());
    if (key) return settings.perSubscription[key];
  }
  return { warningDays: settings.warningDays, criticalDays: settings.criticalDays };
}

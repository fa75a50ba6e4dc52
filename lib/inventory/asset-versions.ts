/**
 * An object's kept versions for the object page: `assets.detail.versions` (written by discovery, times in Unix
 * seconds) as dates, newest first, each with its expiry status under the object's subscription's thresholds.
 */
import { z } from "zod";
import { computeExpiryStatus, type ExpiryStatus, type Thresholds } from "../expiry-status";

export interface AssetVersion {
  id: string;
  createdOn: Date | null;
  updatedOn: Date | null;
  enabled: boolean;
  notBefore: Date | null;
  expiresOn: Date | null;
  status: ExpiryStatus;
}

const time = z.number().nullish();
const storedVersion = z.object({
  id: z.string().min(1),
  created: time,
  updated: time,
  enabled: z.boolean(),
  notBefore: time,
  expires: time,
});

const date = (s: number | null | undefined) => (typeof s === "number" ? new Date(s * 1000) : null);

/** Stored entries that do not have the expected shape are left out rather than shown half-read. */
export function assetVersions(stored: unknown, now: Date, thresholds: Thresholds): AssetVersion[] {
  if (!Array.isArray(stored)) return [];
  const out: AssetVersion[] = [];
  for (const raw of stored) {
    const v = storedVersion.safeParse(raw);
    if (!v.success) continue;
    const expiresOn = date(v.data.expires);
    out.push({
      id: v.data.id,
      createdOn: date(v.data.created),
      updatedOn: date(v.data.updated),
      enabled: v.data.enabled,
      notBefore: date(v.data.notBefore),
      expiresOn,
      status: computeExpiryStatus(expiresOn, now, thresholds),
    });
  }
  return out.sort((a, b) => (b.createdOn?.getTime() ?? 0) - (a.createdOn?.getTime() ?? 0));
}

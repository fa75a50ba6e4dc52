/**
 * The stateful families evaluated after each scan: what items exist now and at which level each stands. An item's
 * rank orders its levels (0: fine); a rise in rank is a threshold crossing, a return to 0 (or the item gone) a resolve.
 */
import { and, eq, isNotNull, isNull, lte } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { appCredentials, appRegistrations, assets, vaults, type ScanRun } from "../db/schema";
import { DAY_MS } from "../expiry-status";
import type { Severity } from "./message";

export interface Candidate {
  itemKey: string;
  family: string;
  name: string;
  subscriptionId?: string;
  vaultName?: string;
  tags: Record<string, string>;
  /** an owner known without a tag (an app registration's first owner) */
  owner?: string;
  link: string;
  /** expiry families: when the item expires */
  expiresAt?: Date;
  /** the type for a fixed-level item (scan failed, vault unreadable) */
  fixedType?: string;
  data: Record<string, unknown>;
}

export interface Classified {
  type: string;
  level: string;
  rank: number;
  severity: Severity;
}

export interface ScanOutcome {
  scan: Pick<ScanRun, "id" | "mode" | "status" | "error">;
  now: Date;
}

export interface Collected {
  items: Candidate[];
  /** true: items not listed keep their state (nothing resolves) */
  partial: boolean;
}

/** `30, 14, 7` → levels "30" (rank 1), "14" (2), "7" (3), "expired" (thresholds + 1). */
export function classifyExpiry(
  expiresAt: Date,
  now: Date,
  thresholds: readonly number[],
  kind: string,
): Classified | null {
  const days = (expiresAt.getTime() - now.getTime()) / DAY_MS;
  const desc = [...thresholds].sort((a, b) => b - a);
  if (days <= 0) return { type: `${kind}.expired`, level: "expired", rank: desc.length + 1, severity: "critical" };
  let hit = -1;
  desc.forEach((t, i) => {
    if (days <= t) hit = i;
  });
  if (hit < 0) return null;
  const t = desc[hit];
  const severity: Severity = t <= 7 ? "high" : t <= 14 ? "medium" : "low";
  return { type: `${kind}.expiring`, level: String(t), rank: hit + 1, severity };
}

export function classify(c: Candidate, now: Date, thresholds: readonly number[]): Classified | null {
  if (c.fixedType) return { type: c.fixedType, level: "active", rank: 1, severity: "high" };
  if (!c.expiresAt) return null;
  const kind = c.family === "app-credential-expiry" ? "app-credential" : String(c.data.objectType);
  return classifyExpiry(c.expiresAt, now, thresholds, kind);
}

const daysLeft = (d: Date, now: Date) => Math.ceil((d.getTime() - now.getTime()) / DAY_MS);

async function assetItems(db: DbOrTx, o: ScanOutcome, horizonDays: number): Promise<Collected> {
  const until = new Date(o.now.getTime() + horizonDays * DAY_MS);
  const rows = await db
    .select({
      id: assets.id,
      type: assets.type,
      name: assets.name,
      expiresOn: assets.expiresOn,
      tags: assets.tags,
      subscriptionId: assets.subscriptionId,
      vault: vaults.name,
      vaultTags: vaults.tags,
    })
    .from(assets)
    .innerJoin(vaults, eq(vaults.id, assets.vaultId))
    .where(and(isNull(assets.removedAt), isNotNull(assets.expiresOn), lte(assets.expiresOn, until)));
  return {
    partial: false,
    items: rows.map((r) => {
      const tags = { ...r.vaultTags, ...r.tags };
      return {
        itemKey: `asset:${r.id}`,
        family: "asset-expiry",
        name: r.name,
        subscriptionId: r.subscriptionId,
        vaultName: r.vault,
        tags,
        link: `/inventory/${r.id}`,
        expiresAt: r.expiresOn!,
        data: {
          assetId: r.id,
          name: r.name,
          objectType: r.type,
          vault: r.vault,
          subscriptionId: r.subscriptionId,
          expiresOn: r.expiresOn!.toISOString(),
          daysLeft: daysLeft(r.expiresOn!, o.now),
          tags,
        },
      };
    }),
  };
}

async function appItems(db: DbOrTx, o: ScanOutcome, horizonDays: number): Promise<Collected> {
  const until = new Date(o.now.getTime() + horizonDays * DAY_MS);
  const rows = await db
    .select({ c: appCredentials, app: appRegistrations })
    .from(appCredentials)
    .innerJoin(appRegistrations, eq(appRegistrations.id, appCredentials.appObjectId))
    .where(
      and(
        isNull(appCredentials.removedAt),
        isNull(appRegistrations.removedAt),
        isNotNull(appCredentials.endDateTime),
        lte(appCredentials.endDateTime, until),
      ),
    );
  return {
    partial: false,
    items: rows.map(({ c, app }) => ({
      itemKey: `app-credential:${c.id}`,
      family: "app-credential-expiry",
      name: `${app.displayName} / ${c.displayName ?? c.keyId}`,
      tags: {},
      owner: app.owners[0]?.userPrincipalName,
      link: `/apps/${encodeURIComponent(app.id)}`,
      expiresAt: c.endDateTime!,
      data: {
        credentialId: c.id,
        app: app.displayName,
        appId: app.appId,
        credentialType: c.type,
        displayName: c.displayName,
        endDateTime: c.endDateTime!.toISOString(),
        daysLeft: daysLeft(c.endDateTime!, o.now),
      },
    })),
  };
}

async function vaultItems(db: DbOrTx): Promise<Collected> {
  const rows = await db
    .select()
    .from(vaults)
    .where(and(isNull(vaults.removedAt), eq(vaults.readable, false)));
  return {
    partial: false,
    items: rows.map((v) => ({
      itemKey: `vault:${v.id}`,
      family: "vault-readability",
      name: v.name,
      subscriptionId: v.subscriptionId,
      vaultName: v.name,
      tags: v.tags,
      link: `/vaults/${Buffer.from(v.id.toLowerCase(), "utf8").toString("base64url")}`,
      fixedType: "vault.unreadable",
      data: {
        vaultId: v.id,
        vault: v.name,
        subscriptionId: v.subscriptionId,
        reason: v.accessStatus,
        remediation: v.accessError?.remediation ?? null,
        tags: v.tags,
      },
    })),
  };
}

function scanItems(o: ScanOutcome): Collected {
  // A cancelled scan says nothing about whether scanning works: an earlier failure stays open.
  if (o.scan.status === "cancelled") return { items: [], partial: true };
  if (o.scan.status !== "failed") return { items: [], partial: false };
  return {
    partial: false,
    items: [
      {
        itemKey: "scan",
        family: "scan",
        name: "Scheduled and manual scans",
        tags: {},
        link: `/scans/${o.scan.id}`,
        fixedType: "scan.failed",
        data: { scanId: o.scan.id, mode: o.scan.mode, error: o.scan.error?.slice(0, 500) ?? null },
      },
    ],
  };
}

/** The items of one family as the scan left them; `horizonDays` is the largest threshold any rule uses. */
export async function collectFamily(
  db: DbOrTx,
  family: string,
  o: ScanOutcome,
  horizonDays: number,
): Promise<Collected | undefined> {
  if (family === "asset-expiry") return assetItems(db, o, horizonDays);
  if (family === "app-credential-expiry") return appItems(db, o, horizonDays);
  if (family === "vault-readability") return vaultItems(db);
  if (family === "scan") return scanItems(o);
  return undefined;
}

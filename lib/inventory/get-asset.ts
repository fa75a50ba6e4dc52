import { eq } from "drizzle-orm";
import { z } from "zod";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { dbOf } from "../db/transaction";
import { assets, subscriptions, vaults, type Asset } from "../db/schema";
import { AppError } from "../errors";
import { thresholdsFor } from "../expiry-status";
import { getSetting } from "../settings/store";
import { assetVersions, type AssetVersion } from "./asset-versions";
import { assetLastSeen } from "./list-assets";

export const getAssetInput = z.object({ id: z.uuid() });

/**
 * One inventory object with its vault and subscription names, and its kept versions (newest first; `asset.versionCount`
 * is the total) — moved out of `asset.detail`.
 */
export async function getAsset({ ctx, input, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }): Promise<{
  asset: Asset;
  vaultName: string | null;
  vaultUri: string | null;
  subscriptionName: string | null;
  versions: AssetVersion[];
}> {
  assertPermission(ctx, "dashboard:read");
  const { id } = getAssetInput.parse(input);
  const db = await dbOf(ctx);
  const [row] = await db
    .select({
      asset: assets,
      vaultName: vaults.name,
      vaultUri: vaults.vaultUri,
      lastSeenAt: assetLastSeen,
      subscriptionName: subscriptions.displayName,
    })
    .from(assets)
    .leftJoin(vaults, eq(vaults.id, assets.vaultId))
    .leftJoin(subscriptions, eq(subscriptions.id, assets.subscriptionId))
    .where(eq(assets.id, id))
    .limit(1);
  if (!row) throw new AppError("not_found", "No such object in the inventory.");
  const { lastSeenAt, ...rest } = row;
  const { versions: stored, ...detail } = rest.asset.detail;
  const thresholds = thresholdsFor(await getSetting(db, "expiry.thresholds"), rest.asset.subscriptionId);
  return {
    ...rest,
    asset: { ...rest.asset, detail, lastSeenAt },
    versions: assetVersions(stored, now, thresholds),
  };
}

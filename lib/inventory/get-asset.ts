import { eq } from "drizzle-orm";
import { z } from "zod";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { dbOf } from "../db/transaction";
import { assets, subscriptions, vaults, type Asset } from "../db/schema";
import { AppError } from "../errors";
import { assetLastSeen } from "./list-assets";

export const getAssetInput = z.object({ id: z.uuid() });

/** One inventory object with its vault and subscription names. */
export async function getAsset({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<{ asset: Asset; vaultName: string | null; vaultUri: string | null; subscriptionName: string | null }> {
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
  return { ...rest, asset: { ...rest.asset, lastSeenAt } };
}

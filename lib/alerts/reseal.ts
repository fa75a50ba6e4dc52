/**
 * SECRET_KEY rotation for channel secrets. With SECRET_KEY set to the new key and SECRET_KEY_PREVIOUS to the old one,
 * every channel whose secrets the old key sealed is sealed again under the new key — each in its own audited
 * transaction, by the delivery job before it sends (so a rotation needs no admin action). Once the channels page shows
 * the new key id on every channel, SECRET_KEY_PREVIOUS can go. A channel sealed under neither key is left as it is:
 * its sends fail with "sealed under another SECRET_KEY" until an admin enters its secrets again.
 */
import { and, eq, isNotNull, notLike } from "drizzle-orm";
import { audit } from "../audit/record";
import { getConfig } from "../config";
import type { Ctx } from "../context";
import { alertChannels } from "../db/schema";
import { dbOf, withTransaction } from "../db/transaction";
import { currentKey, open, seal, sealedKeyId } from "./secret-box";

export async function resealStaleChannels(ctx: Ctx): Promise<number> {
  if (!getConfig().previousSecretKey) return 0;
  const key = currentKey();
  const db = await dbOf(ctx);
  const stale = await db
    .select({ id: alertChannels.id, name: alertChannels.name, box: alertChannels.secretBox })
    .from(alertChannels)
    .where(and(isNotNull(alertChannels.secretBox), notLike(alertChannels.secretBox, `v1.${key.id}.%`)));
  let resealed = 0;
  for (const c of stale) {
    let secrets: Record<string, string>;
    try {
      secrets = open(c.box!);
    } catch {
      continue;
    }
    await withTransaction(ctx, async (tx) => {
      // only if nobody changed the channel since it was read
      const done = await tx.db
        .update(alertChannels)
        .set({ secretBox: seal(secrets, key) })
        .where(and(eq(alertChannels.id, c.id), eq(alertChannels.secretBox, c.box!)))
        .returning({ id: alertChannels.id });
      if (!done.length) return;
      await audit(tx, {
        action: "alerts.channel.resealed",
        target: { type: "alert_channel", id: c.id },
        details: { name: c.name, fromKeyId: sealedKeyId(c.box!) ?? null, toKeyId: key.id },
      });
      resealed++;
    });
  }
  return resealed;
}

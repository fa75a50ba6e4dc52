import { eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit/record";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import type { DbOrTx } from "../db/client";
import { settings } from "../db/schema";
import { withTransaction } from "../db/transaction";
import { SETTINGS, type SettingKey, type SettingValue } from "./definitions";

export async function getSetting<K extends SettingKey>(db: DbOrTx, key: K): Promise<SettingValue<K>> {
  const [row] = await db.select().from(settings).where(eq(settings.key, key)).limit(1);
  if (!row) return SETTINGS[key].default as SettingValue<K>;
  // A stored value that no longer parses (schema changed) falls back to the default rather than breaking scans.
  const parsed = SETTINGS[key].schema.safeParse(row.value);
  return (parsed.success ? parsed.data : SETTINGS[key].default) as SettingValue<K>;
}

export async function getSettings<K extends SettingKey>(db: DbOrTx, keys: K[]): Promise<{ [P in K]: SettingValue<P> }> {
  const rows = await db.select().from(settings).where(inArray(settings.key, keys));
  const out = {} as Record<string, unknown>;
  for (const k of keys) {
    const row = rows.find((r) => r.key === k);
    const parsed = row ? SETTINGS[k].schema.safeParse(row.value) : undefined;
    out[k] = parsed?.success ? parsed.data : SETTINGS[k].default;
  }
  return out as { [P in K]: SettingValue<P> };
}

export const updateSettingInput = z.object({
  key: z.enum(Object.keys(SETTINGS) as [SettingKey, ...SettingKey[]]),
  value: z.unknown(),
});

/** Admin verb: validates against the setting's schema and audits old → new in the same transaction. */
export async function updateSetting({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<{ key: SettingKey; value: unknown }> {
  assertPermission(ctx, "settings:write");
  const { key, value: raw } = updateSettingInput.parse(input);
  const value = SETTINGS[key].schema.parse(raw);
  return withTransaction(ctx, async (t) => {
    const tx = t.db;
    const old = await getSetting(tx, key);
    const by =
      ctx.actor.type === "user" ? ctx.actor.upn : ctx.actor.type === "system" ? `system:${ctx.actor.job}` : "anonymous";
    await tx
      .insert(settings)
      .values({ key, value: value as object, updatedBy: by, updatedAt: new Date() })
      .onConflictDoUpdate({
        target: settings.key,
        set: { value: value as object, updatedBy: by, updatedAt: new Date() },
      });
    await audit(t, {
      action: "settings.updated",
      target: { type: "setting", id: key },
      details: { old, new: value },
    });
    return { key, value };
  });
}

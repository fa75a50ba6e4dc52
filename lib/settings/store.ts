import { eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit/record";
import { assertPermission } from "../auth/authorize";
import { actorLabel, type Ctx } from "../context";
import type { DbOrTx } from "../db/client";
import { settings } from "../db/schema";
import { dbOf, withTransaction } from "../db/transaction";
import { AppError } from "../errors";
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

export const updateSettingInput = z
  .object({
    key: z.enum(Object.keys(SETTINGS) as [SettingKey, ...SettingKey[]]),
    value: z.unknown(),
    /** Shallow-merge `value` onto the stored value (a form that edits some fields keeps the others). */
    merge: z.boolean().optional(),
  })
  .strict();

/** Serialises writers of one setting, including the first insert (no row to lock yet). */
const SETTING_LOCK_NAMESPACE = 7_314_003;

/**
 * Admin verb: validates against the setting's schema and audits old → new in the same transaction. A merge reads the
 * current value under the setting's lock inside that transaction, so two concurrent edits never lose each other's fields.
 */
export async function updateSetting({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<{ key: SettingKey; value: unknown }> {
  assertPermission(ctx, "settings:write");
  const { key, value: raw, merge } = updateSettingInput.parse(input);
  if (!merge) SETTINGS[key].schema.parse(raw);
  return withTransaction(ctx, async (t) => {
    const tx = t.db;
    await tx.execute(sql`select pg_advisory_xact_lock(${SETTING_LOCK_NAMESPACE}, hashtext(${key}))`);
    const old = await getSetting(tx, key);
    const def = SETTINGS[key];
    const value = def.schema.parse(merge ? { ...(old as object), ...(raw as object) } : raw);
    const refused = "writeRule" in def ? def.writeRule(value as never) : null;
    if (refused) throw new AppError("invalid_input", refused);
    const by = actorLabel(ctx.actor);
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

/** One setting's current value (or its default) for a reader or a job. */
export async function readSetting<K extends SettingKey>(ctx: Ctx, key: K): Promise<SettingValue<K>> {
  assertPermission(ctx, "dashboard:read");
  return getSetting(await dbOf(ctx), key);
}

/** What the settings page shows (any reader): the current values of the console-editable settings. */
export async function readConsoleSettings(ctx: Ctx) {
  assertPermission(ctx, "dashboard:read");
  return getSettings(await dbOf(ctx), [
    "expiry.thresholds",
    "scan.schedule",
    "discovery.subscriptions",
    "rotation.policy",
    "rotation.auto",
    "discovery.concurrency",
  ]);
}

/**
 * Admin verbs for channels. Secrets go in sealed and never come out: the read model says only which are set.
 * Every change is audited with the names of the secret fields it replaced, never their values.
 */
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit/record";
import { assertPermission } from "../auth/authorize";
import { actorLabel, type VerbArgs } from "../context";
import { alertChannels, alertOutbox, type AlertChannel, type ChannelKind } from "../db/schema";
import { dbOf, withTransaction } from "../db/transaction";
import { AppError } from "../errors";
import { text } from "../validation";
import { CHANNEL_KINDS, channelKind } from "./channels";
import { newSigningSecret } from "./channels/webhook";
import { deliverClaimed } from "./deliver";
import type { DeliveryContent } from "./message";
import { open, seal, sealedKeyId } from "./secret-box";

const kinds = Object.keys(CHANNEL_KINDS) as [ChannelKind, ...ChannelKind[]];
const secretValues = z.record(z.string().max(40), z.string().max(2000));

export const createChannelInput = z.strictObject({
  name: text(100, { min: 1, label: "The name" }),
  kind: z.enum(kinds),
  config: z.record(z.string(), z.unknown()).default({}),
  secrets: secretValues.default({}),
  enabled: z.boolean().default(true),
});

export const updateChannelInput = z.strictObject({
  id: z.uuid(),
  name: text(100, { min: 1, label: "The name" }).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  /** fields left empty keep their sealed value */
  secrets: secretValues.optional(),
  enabled: z.boolean().optional(),
});

export interface ChannelView {
  id: string;
  name: string;
  kind: ChannelKind;
  kindLabel: string;
  config: Record<string, unknown>;
  enabled: boolean;
  /** which secret fields hold a value ("set"), never the value */
  secretsSet: Record<string, boolean>;
  keyId: string | null;
  updatedAt: string;
}

function toView(c: AlertChannel): ChannelView {
  const def = channelKind(c.kind);
  let set: Record<string, boolean> = {};
  try {
    const s = c.secretBox ? open(c.secretBox) : {};
    set = Object.fromEntries(def.secretFields.map((f) => [f.name, !!s[f.name]]));
  } catch {
    set = Object.fromEntries(def.secretFields.map((f) => [f.name, false]));
  }
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    kindLabel: def.label,
    config: c.config,
    enabled: c.enabled,
    secretsSet: set,
    keyId: c.secretBox ? (sealedKeyId(c.secretBox) ?? null) : null,
    updatedAt: c.updatedAt.toISOString(),
  };
}

function parseParts(kind: ChannelKind, config: unknown, secrets: Record<string, string>) {
  const def = channelKind(kind);
  const c = def.config.safeParse(config);
  if (!c.success) throw new AppError("invalid_input", `Channel settings: ${c.error.issues[0]?.message ?? "invalid"}.`);
  const clean = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v.trim() !== ""));
  if (kind === "webhook" && !clean.signingSecret) clean.signingSecret = newSigningSecret();
  const s = def.secrets.safeParse(clean);
  if (!s.success)
    throw new AppError(
      "invalid_input",
      `${s.error.issues[0]?.path.join(".") || "Secret"}: ${s.error.issues[0]?.message}.`,
    );
  for (const f of def.secretFields)
    if (f.required && !s.data[f.name]) throw new AppError("invalid_input", `${f.label} is required.`);
  return { config: c.data, secrets: s.data };
}

export async function listChannels({ ctx }: VerbArgs): Promise<ChannelView[]> {
  assertPermission(ctx, "alerts:write");
  const db = await dbOf(ctx);
  return (await db.select().from(alertChannels).orderBy(alertChannels.name)).map(toView);
}

export async function getChannel({ ctx, input }: VerbArgs): Promise<ChannelView> {
  assertPermission(ctx, "alerts:write");
  const { id } = z.object({ id: z.uuid() }).parse(input);
  const db = await dbOf(ctx);
  const [c] = await db.select().from(alertChannels).where(eq(alertChannels.id, id));
  if (!c) throw new AppError("not_found", "That channel does not exist.");
  return toView(c);
}

/** Creates a channel; a generated webhook signing secret is returned this once, for the receiver's configuration. */
export async function createChannel({ ctx, input }: VerbArgs): Promise<ChannelView & { signingSecret?: string }> {
  assertPermission(ctx, "alerts:write");
  const i = createChannelInput.parse(input);
  const { config, secrets } = parseParts(i.kind, i.config, i.secrets);
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(alertChannels)
      .values({
        name: i.name,
        kind: i.kind,
        config,
        secretBox: seal(secrets),
        enabled: i.enabled,
        updatedBy: actorLabel(ctx.actor),
      })
      .returning();
    await audit(tx, {
      action: "alerts.channel.created",
      target: { type: "alert_channel", id: row.id },
      details: { name: i.name, kind: i.kind, secretFields: Object.keys(secrets) },
    });
    const generated = i.kind === "webhook" && !i.secrets.signingSecret?.trim() ? secrets.signingSecret : undefined;
    return { ...toView(row), ...(generated ? { signingSecret: generated } : {}) };
  });
}

export async function updateChannel({ ctx, input }: VerbArgs): Promise<ChannelView> {
  assertPermission(ctx, "alerts:write");
  const i = updateChannelInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const [cur] = await tx.db.select().from(alertChannels).where(eq(alertChannels.id, i.id)).for("update");
    if (!cur) throw new AppError("not_found", "That channel does not exist.");
    const replaced = Object.entries(i.secrets ?? {}).filter(([, v]) => v.trim() !== "");
    let old: Record<string, string> = {};
    if (cur.secretBox)
      try {
        old = open(cur.secretBox);
      } catch {
        if (!replaced.length)
          throw new AppError("conflict", "Re-enter this channel's secrets: they were sealed under another key.");
      }
    const { config, secrets } = parseParts(cur.kind, i.config ?? cur.config, {
      ...old,
      ...Object.fromEntries(replaced),
    });
    const [row] = await tx.db
      .update(alertChannels)
      .set({
        name: i.name ?? cur.name,
        config,
        secretBox: seal(secrets),
        enabled: i.enabled ?? cur.enabled,
        updatedAt: new Date(),
        updatedBy: actorLabel(ctx.actor),
      })
      .where(eq(alertChannels.id, i.id))
      .returning();
    await audit(tx, {
      action: "alerts.channel.updated",
      target: { type: "alert_channel", id: i.id },
      details: { name: row.name, enabled: row.enabled, secretFieldsReplaced: replaced.map(([k]) => k) },
    });
    return toView(row);
  });
}

export async function deleteChannel({ ctx, input }: VerbArgs): Promise<{ deleted: true }> {
  assertPermission(ctx, "alerts:write");
  const { id } = z.strictObject({ id: z.uuid() }).parse(input);
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db.delete(alertChannels).where(eq(alertChannels.id, id)).returning();
    if (!row) throw new AppError("not_found", "That channel does not exist.");
    await audit(tx, {
      action: "alerts.channel.deleted",
      target: { type: "alert_channel", id },
      details: { name: row.name },
    });
    return { deleted: true as const };
  });
}

/** "Send test": one message now, recorded in the history like any delivery, with the outcome returned. */
export async function sendTestAlert({ ctx, input }: VerbArgs) {
  assertPermission(ctx, "alerts:write");
  const { id } = z.strictObject({ id: z.uuid() }).parse(input);
  const now = new Date();
  const worker = `test:${randomUUID()}`;
  const row = await withTransaction(ctx, async (tx) => {
    const [c] = await tx.db.select().from(alertChannels).where(eq(alertChannels.id, id));
    if (!c) throw new AppError("not_found", "That channel does not exist.");
    const [r] = await tx.db
      .insert(alertOutbox)
      .values({
        channelId: id,
        eventType: "test",
        action: "test",
        dedupKey: `certifyclouds-test-${now.getTime()}`,
        payload: { kind: "test", channelName: c.name, at: now.toISOString() } satisfies DeliveryContent,
        status: "sending",
        leaseOwner: worker,
        leaseUntil: new Date(now.getTime() + 120_000),
        createdAt: now,
      })
      .returning();
    await audit(tx, {
      action: "alerts.channel.tested",
      target: { type: "alert_channel", id },
      details: { name: c.name },
    });
    return r;
  });
  const { status, result } = await deliverClaimed(ctx, row, worker, now, { maxAttempts: 1 });
  return { deliveryId: row.id, status, responseCode: result.status ?? null, error: result.error ?? null };
}

/** Admin verbs for rules, and the preview: the items a rule would alert on if it were evaluated now. */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit/record";
import { assertPermission } from "../auth/authorize";
import { actorLabel, type TimedVerbArgs, type VerbArgs } from "../context";
import { schedulePolicyError } from "../cron";
import { alertRules, type AlertRule } from "../db/schema";
import { dbOf, withTransaction } from "../db/transaction";
import { AppError } from "../errors";
import { text } from "../validation";
import { itemOwner } from "./build-message";
import { nextDigestAt } from "./digest";
import { ruleFamilies } from "./evaluate";
import { classify, collectFamily } from "./families";
import { SEVERITIES, type Severity } from "./message";
import { alertType, alertTypes } from "./registry";
import { inScope, isEmail, severityInScope } from "./scope";

const short = text(200);
const ruleFields = z.strictObject({
  name: text(100, { min: 1, label: "The name" }),
  types: z
    .array(z.string().refine((t) => !!alertType(t), "Unknown alert type."))
    .min(1, "Choose at least one alert type.")
    .max(50),
  scope: z
    .strictObject({
      subscriptions: z.array(short).max(200).optional(),
      vaults: z.array(short).max(500).optional(),
      tags: z.record(text(100, { min: 1 }), z.array(short).max(50)).optional(),
      severities: z.array(z.enum(SEVERITIES as [Severity, ...Severity[]])).optional(),
    })
    .default({}),
  thresholds: z
    .array(z.number().int().min(1).max(365))
    .min(1)
    .max(6)
    .transform((a) => [...new Set(a)].sort((x, y) => y - x))
    .default([30, 14, 7]),
  scoreBelow: z
    .number()
    .int()
    .min(1, "The score threshold is 1–100.")
    .max(100, "The score threshold is 1–100.")
    .default(80),
  scoreDrop: z
    .number()
    .int()
    .min(1, "The score drop is 1–100 points.")
    .max(100, "The score drop is 1–100 points.")
    .default(5),
  channelIds: z.array(z.uuid()).max(20).default([]),
  ownerTag: text(100).optional().nullable(),
  fallbackRecipients: z
    .array(z.string().refine(isEmail, "Fallback recipients must be email addresses."))
    .max(20)
    .default([]),
  mode: z.enum(["immediate", "digest"]).default("immediate"),
  digestCron: text(100).optional().nullable(),
  digestTimezone: text(64).optional().nullable(),
  enabled: z.boolean().default(true),
});
export const ruleInput = ruleFields.superRefine((r, ctx) => {
  if (r.mode !== "digest") return;
  const why = r.digestCron
    ? schedulePolicyError(r.digestCron, r.digestTimezone || "UTC")
    : "A digest needs a schedule.";
  if (why) ctx.addIssue({ code: "custom", path: ["digestCron"], message: why });
});
export const updateRuleInput = z.strictObject({ id: z.uuid(), rule: ruleInput });

type RuleValues = z.infer<typeof ruleInput>;

function values(r: RuleValues, now: Date) {
  const digest = r.mode === "digest";
  const tz = r.digestTimezone || "UTC";
  return {
    ...r,
    ownerTag: r.ownerTag || null,
    digestCron: digest ? r.digestCron! : null,
    digestTimezone: digest ? tz : null,
    nextDigestAt: digest ? nextDigestAt({ digestCron: r.digestCron!, digestTimezone: tz }, now) : null,
  };
}

export async function listRules({ ctx }: VerbArgs): Promise<AlertRule[]> {
  assertPermission(ctx, "alerts:write");
  const db = await dbOf(ctx);
  return db.select().from(alertRules).orderBy(alertRules.name);
}

export async function getRule({ ctx, input }: VerbArgs): Promise<AlertRule> {
  assertPermission(ctx, "alerts:write");
  const { id } = z.object({ id: z.uuid() }).parse(input);
  const db = await dbOf(ctx);
  const [r] = await db.select().from(alertRules).where(eq(alertRules.id, id));
  if (!r) throw new AppError("not_found", "That rule does not exist.");
  return r;
}

export async function createRule({ ctx, input, now = new Date() }: TimedVerbArgs): Promise<AlertRule> {
  assertPermission(ctx, "alerts:write");
  const r = ruleInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(alertRules)
      .values({ ...values(r, now), updatedBy: actorLabel(ctx.actor) })
      .returning();
    await audit(tx, { action: "alerts.rule.created", target: { type: "alert_rule", id: row.id }, details: { ...r } });
    return row;
  });
}

export async function updateRule({ ctx, input, now = new Date() }: TimedVerbArgs): Promise<AlertRule> {
  assertPermission(ctx, "alerts:write");
  const { id, rule: r } = updateRuleInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .update(alertRules)
      .set({ ...values(r, now), updatedAt: now, updatedBy: actorLabel(ctx.actor) })
      .where(eq(alertRules.id, id))
      .returning();
    if (!row) throw new AppError("not_found", "That rule does not exist.");
    await audit(tx, { action: "alerts.rule.updated", target: { type: "alert_rule", id }, details: { ...r } });
    return row;
  });
}

export async function deleteRule({ ctx, input }: VerbArgs): Promise<{ deleted: true }> {
  assertPermission(ctx, "alerts:write");
  const { id } = z.strictObject({ id: z.uuid() }).parse(input);
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db.delete(alertRules).where(eq(alertRules.id, id)).returning();
    if (!row) throw new AppError("not_found", "That rule does not exist.");
    await audit(tx, { action: "alerts.rule.deleted", target: { type: "alert_rule", id }, details: { name: row.name } });
    return { deleted: true as const };
  });
}

export interface PreviewItem {
  itemKey: string;
  type: string;
  typeLabel: string;
  name: string;
  level: string;
  severity: Severity;
  owner: string | null;
  link: string;
}

export const PREVIEW_LIMIT = 200;

/** The items a rule (saved or a draft) would alert on now, ignoring what was already sent. */
export async function previewRule({ ctx, input, now = new Date() }: TimedVerbArgs) {
  assertPermission(ctx, "alerts:write");
  // A draft may not have a name yet: the preview needs only what selects items.
  const r = ruleFields.extend({ name: text(100).optional() }).parse(input);
  const db = await dbOf(ctx);
  const scan = { id: "preview", mode: "full" as const, status: "completed" as const, error: null };
  const items: PreviewItem[] = [];
  let total = 0;
  for (const family of ruleFamilies(r)) {
    const got = await collectFamily(db, family, { scan, now }, Math.max(...r.thresholds));
    for (const item of got?.items ?? []) {
      if (!inScope(r.scope, item)) continue;
      const cls = classify(item, now, r.thresholds);
      if (!cls || !r.types.includes(cls.type) || !severityInScope(r.scope, cls.severity)) continue;
      total++;
      if (items.length < PREVIEW_LIMIT)
        items.push({
          itemKey: item.itemKey,
          type: cls.type,
          typeLabel: alertType(cls.type)!.label,
          name: item.name,
          level: cls.level,
          severity: cls.severity,
          owner: itemOwner({ ownerTag: r.ownerTag ?? null }, item) ?? null,
          link: item.link,
        });
    }
  }
  return { total, items };
}

export function alertTypeOptions() {
  return alertTypes().map((t) => ({ id: t.id, label: t.label }));
}

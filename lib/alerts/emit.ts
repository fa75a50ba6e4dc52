/**
 * For modules that raise their own events (compliance findings, scores, rotation): matches enabled rules by type and
 * scope and writes the outbox rows in the caller's transaction, so the alert commits with the event or not at all.
 * These events have no threshold state: the caller raises each once.
 */
import { eq } from "drizzle-orm";
import type { TxCtx } from "../context";
import { alertRules, type AlertRule } from "../db/schema";
import { AppError } from "../errors";
import { channelsOf } from "./evaluate";
import type { AlertMessage, Severity } from "./message";
import { writeOutbox } from "./outbox";
import { alertType } from "./registry";
import { inScope, severityInScope } from "./scope";

export interface EmittedEvent {
  type: string;
  itemKey: string;
  title: string;
  summary: string;
  severity?: Severity;
  subscriptionId?: string;
  vaultName?: string;
  tags?: Record<string, string>;
  owner?: string;
  facts?: { name: string; value: string }[];
  /** app-relative console path */
  link?: string;
  data: Record<string, unknown>;
  action?: "trigger" | "resolve";
  /** only the rules this keeps (an event whose condition is a rule's own setting, e.g. a score threshold) */
  forRule?: (rule: AlertRule) => boolean;
  /** fields of the payload that come from the rule (merged over `data`) */
  dataForRule?: (rule: AlertRule) => Record<string, unknown>;
}

export async function emitAlert(tx: TxCtx, e: EmittedEvent, now = new Date()): Promise<number> {
  const def = alertType(e.type);
  if (!def) throw new AppError("internal", `unknown alert type ${e.type}`);
  def.payload.parse(e.data);
  const severity = e.severity ?? def.defaultSeverity;
  const rules = (await tx.db.select().from(alertRules).where(eq(alertRules.enabled, true))).filter(
    (r) =>
      r.types.includes(e.type) &&
      inScope(r.scope, { subscriptionId: e.subscriptionId, vaultName: e.vaultName, tags: e.tags ?? {} }) &&
      severityInScope(r.scope, severity) &&
      (!e.forRule || e.forRule(r)),
  );
  const channels = await channelsOf(tx.db, rules);
  let rows = 0;
  for (const rule of rules) {
    const owner = (rule.ownerTag ? e.tags?.[rule.ownerTag] : undefined) ?? e.owner;
    const data = def.payload.parse(e.dataForRule ? { ...e.data, ...e.dataForRule(rule) } : e.data);
    const message: AlertMessage = {
      type: e.type,
      typeLabel: def.label,
      action: e.action ?? "trigger",
      severity,
      title: e.title,
      summary: e.summary,
      facts: e.facts ?? [],
      ...(e.link ? { link: e.link } : {}),
      itemKey: e.itemKey,
      dedupKey: `certifyclouds:${rule.id}:${e.itemKey}`,
      ...(owner ? { owner } : {}),
      data,
      at: now.toISOString(),
    };
    const targets = rule.channelIds.map((id) => channels.get(id)).filter((c) => !!c);
    rows += await writeOutbox(tx.db, rule, targets, message, now);
  }
  return rows;
}

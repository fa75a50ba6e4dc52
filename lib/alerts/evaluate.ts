/**
 * Rule evaluation after a scan, in the scan's finishing transaction: for each enabled rule, each item of the families
 * it watches is classified; a rise in level (30 → 14 → 7 → expired) writes outbox rows and the new state, an item
 * back to fine writes a resolve (where the channel has one) and drops its state. Nothing else writes anything, so a
 * scan that changed nothing sends nothing.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Tx } from "../db/client";
import { alertChannels, alertRules, alertState, type AlertChannel, type AlertRule } from "../db/schema";
import { buildMessage, resolvedMessage } from "./build-message";
import { classify, collectFamily, type Collected, type ScanOutcome } from "./families";
import type { AlertMessage } from "./message";
import { writeOutbox } from "./outbox";
import { alertType } from "./registry";
import { inScope, severityInScope } from "./scope";

export function ruleFamilies(rule: Pick<AlertRule, "types">): string[] {
  const fams = new Set<string>();
  for (const t of rule.types) {
    const def = alertType(t);
    if (def?.evaluatedAfterScan) fams.add(def.family);
  }
  return [...fams];
}

export async function channelsOf(db: Tx, rules: Pick<AlertRule, "channelIds">[]): Promise<Map<string, AlertChannel>> {
  const ids = [...new Set(rules.flatMap((r) => r.channelIds))];
  if (!ids.length) return new Map();
  const rows = await db
    .select()
    .from(alertChannels)
    .where(and(inArray(alertChannels.id, ids), eq(alertChannels.enabled, true)));
  return new Map(rows.map((c) => [c.id, c]));
}

export interface EvaluationResult {
  triggered: number;
  resolved: number;
  outboxRows: number;
}

export async function evaluateRules(db: Tx, outcome: ScanOutcome): Promise<EvaluationResult> {
  const result: EvaluationResult = { triggered: 0, resolved: 0, outboxRows: 0 };
  const rules = (await db.select().from(alertRules).where(eq(alertRules.enabled, true))).filter(
    (r) => ruleFamilies(r).length > 0,
  );
  if (!rules.length) return result;
  const channels = await channelsOf(db, rules);
  const horizon = Math.max(0, ...rules.flatMap((r) => r.thresholds));
  const cache = new Map<string, Collected | undefined>();
  const collected = async (family: string) => {
    if (!cache.has(family)) cache.set(family, await collectFamily(db, family, outcome, horizon));
    return cache.get(family);
  };
  for (const rule of rules) {
    const ruleChannels = rule.channelIds.map((id) => channels.get(id)).filter((c): c is AlertChannel => !!c);
    const states = new Map(
      (await db.select().from(alertState).where(eq(alertState.ruleId, rule.id))).map((s) => [s.itemKey, s]),
    );
    for (const family of ruleFamilies(rule)) {
      const got = await collected(family);
      if (!got) continue;
      const seen = new Set<string>();
      for (const item of got.items) {
        if (!inScope(rule.scope, item)) continue;
        const cls = classify(item, outcome.now, rule.thresholds);
        if (!cls || !rule.types.includes(cls.type) || !severityInScope(rule.scope, cls.severity)) continue;
        seen.add(item.itemKey);
        const prev = states.get(item.itemKey);
        if (prev && cls.rank === prev.rank) continue;
        if (prev && cls.rank < prev.rank) {
          // Better but not fine (e.g. renewed from 7 to 20 days left): the next crossing alerts again.
          await db
            .update(alertState)
            .set({ rank: cls.rank, level: cls.level, updatedAt: outcome.now })
            .where(and(eq(alertState.ruleId, rule.id), eq(alertState.itemKey, item.itemKey)));
          continue;
        }
        const message = buildMessage(rule, item, cls, outcome.now);
        result.outboxRows += await writeOutbox(db, rule, ruleChannels, message, outcome.now);
        result.triggered++;
        const state = { rank: cls.rank, level: cls.level, message, updatedAt: outcome.now };
        await db
          .insert(alertState)
          .values({ ruleId: rule.id, itemKey: item.itemKey, family, ...state })
          .onConflictDoUpdate({ target: [alertState.ruleId, alertState.itemKey], set: state });
      }
      if (got.partial) continue;
      for (const s of states.values()) {
        if (s.family !== family || seen.has(s.itemKey)) continue;
        const message = resolvedMessage(s.message as unknown as AlertMessage, outcome.now);
        result.outboxRows += await writeOutbox(db, rule, ruleChannels, message, outcome.now);
        result.resolved++;
        await db.delete(alertState).where(and(eq(alertState.ruleId, rule.id), eq(alertState.itemKey, s.itemKey)));
      }
    }
  }
  return result;
}

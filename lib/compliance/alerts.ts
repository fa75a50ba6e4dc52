/**
 * The compliance alerts (types registered in lib/alerts/registry.ts), raised in the evaluation's transaction:
 * - a new critical/high failure (a finding that was not failing before; not on the first evaluation, which is the
 *   baseline). Past PER_RULE new failures of one rule in one evaluation (a new rule, a tightened parameter), the rule
 *   raises one summary alert instead of a flood;
 * - the tenant score crossing below a rule's threshold (once per crossing), or dropping by at least a rule's points
 *   since the previous evaluation;
 * - the resolve of a single finding's alert once that finding stops failing (passes, is waived, no longer applies,
 *   or its object left the inventory) — sent only where its trigger was, to the channels that resolve (PagerDuty,
 *   webhooks). A rule's summary alert has no resolve: the findings page shows what is still failing.
 * Findings alerted one by one carry their vault's or object's tags, for tag-scoped rules and owner routing.
 */
import { and, desc, eq, inArray, isNotNull, like } from "drizzle-orm";
import { emitAlert } from "../alerts/emit";
import type { TxCtx } from "../context";
import { alertOutbox, alertRules, assets, vaults } from "../db/schema";
import { ruleById } from "./catalogue";
import type { Code } from "./digest";
import type { FindingChange } from "./evaluation-state";

const PER_RULE = 20;
const ALERTING = new Set(["critical", "high"]);

interface RuleFailures {
  count: number;
  vaults: Set<string>;
  first: FindingChange[];
}

/** Collects the evaluation's new critical/high failures a page at a time, keeping at most PER_RULE of each rule. */
export class NewFailures {
  private readonly byRule = new Map<string, RuleFailures>();

  add(changes: readonly FindingChange[]): void {
    for (const c of changes) {
      if (c.to !== "F" || c.from === "F") continue;
      if (!ALERTING.has(ruleById(c.ruleId)?.severity ?? "low")) continue;
      let r = this.byRule.get(c.ruleId);
      if (!r) this.byRule.set(c.ruleId, (r = { count: 0, vaults: new Set(), first: [] }));
      r.count++;
      if (c.at.vaultName && r.vaults.size < 1000) r.vaults.add(c.at.vaultName);
      if (r.first.length <= PER_RULE) r.first.push(c);
    }
  }

  async emit(tx: TxCtx, now: Date): Promise<void> {
    const tags = await tagsOf(
      tx,
      [...this.byRule.values()].flatMap((r) => (r.count <= PER_RULE ? r.first : [])),
    );
    for (const [ruleId, r] of this.byRule) {
      const rule = ruleById(ruleId)!;
      const severity = rule.severity as "critical" | "high";
      if (r.count <= PER_RULE) {
        for (const c of r.first) await emitFailure(tx, c, rule.title, severity, now, tags.get(c.at.objectId));
        continue;
      }
      const where = `${r.count.toLocaleString("en-US")} objects in ${r.vaults.size.toLocaleString("en-US")} vault${r.vaults.size === 1 ? "" : "s"}`;
      await emitAlert(
        tx,
        {
          type: "compliance.finding.new",
          itemKey: `compliance:${ruleId}:${now.toISOString()}`,
          title: `${rule.title}: ${r.count.toLocaleString("en-US")} new failures`,
          summary: `${where} newly fail "${rule.title}" (${severity}). The findings page lists them.`,
          severity,
          facts: [
            { name: "Rule", value: `${rule.title} (${ruleId})` },
            { name: "New failures", value: where },
          ],
          link: `/compliance/findings?rule=${encodeURIComponent(ruleId)}&status=fail`,
          data: {
            findingId: `${ruleId}:*`,
            ruleId,
            ruleTitle: rule.title.slice(0, 400),
            severity,
            resourceId: "*",
            resourceName: where,
          },
        },
        now,
      );
    }
  }
}

const itemKeyOf = (c: FindingChange) => `finding:${c.ruleId}:${c.at.objectId}`;

const ENDED: Partial<Record<Code, string>> = {
  P: "It passes now.",
  W: "An approved waiver covers it now.",
  N: "The rule no longer applies to it.",
  U: "Its state is unknown now (the facts the rule needs were not read); the findings page shows it.",
  "-": "The rule is disabled, or the object is no longer in the inventory.",
};

async function emitFailure(
  tx: TxCtx,
  c: FindingChange,
  title: string,
  severity: "critical" | "high",
  now: Date,
  tags: Record<string, string> | undefined,
  resolve?: { rules: ReadonlySet<string> },
) {
  const where = c.at.vaultName && c.at.scope !== "vault" ? `${c.at.objectName} in ${c.at.vaultName}` : c.at.objectName;
  await emitAlert(
    tx,
    {
      type: "compliance.finding.new",
      itemKey: itemKeyOf(c),
      title: `${title}: ${where}`,
      summary: resolve ? (ENDED[c.to] ?? "It no longer fails.") : c.reason,
      severity,
      ...(c.at.subscriptionId ? { subscriptionId: c.at.subscriptionId } : {}),
      ...(c.at.vaultName ? { vaultName: c.at.vaultName } : {}),
      ...(tags ? { tags } : {}),
      facts: [
        { name: "Rule", value: `${title} (${c.ruleId})` },
        { name: c.at.scope === "vault" ? "Vault" : "Object", value: where },
      ],
      link: `/compliance/findings?rule=${encodeURIComponent(c.ruleId)}&q=${encodeURIComponent(c.at.objectName)}`,
      data: {
        findingId: `${c.ruleId}:${c.at.objectId}`,
        ruleId: c.ruleId,
        ruleTitle: title.slice(0, 400),
        severity,
        resourceId: c.at.objectId,
        resourceName: c.at.objectName.slice(0, 400),
      },
      ...(resolve ? { action: "resolve" as const, forRule: (rule) => resolve.rules.has(rule.id) } : {}),
    },
    now,
  );
}

/**
 * The Azure tags of the vaults and objects about to be alerted one by one (at most PER_RULE per rule, and the open
 * alerts that end), so that tag-scoped rules and owner routing see them as they see expiry alerts. The evaluation
 * itself carries no tags: reading them for 100k objects would cost every evaluation for a few alerts.
 */
async function tagsOf(tx: TxCtx, changes: readonly FindingChange[]): Promise<Map<string, Record<string, string>>> {
  const ids = (scopes: string[]) => [
    ...new Set(changes.filter((c) => scopes.includes(c.at.scope)).map((c) => c.at.objectId)),
  ];
  const vaultIds = ids(["vault"]);
  const assetIds = ids(["secret", "key", "certificate"]);
  const out = new Map<string, Record<string, string>>();
  for (let i = 0; i < vaultIds.length; i += 1000)
    for (const v of await tx.db
      .select({ id: vaults.id, tags: vaults.tags })
      .from(vaults)
      .where(inArray(vaults.id, vaultIds.slice(i, i + 1000))))
      out.set(v.id, v.tags);
  for (let i = 0; i < assetIds.length; i += 1000)
    for (const a of await tx.db
      .select({ id: assets.id, tags: assets.tags })
      .from(assets)
      .where(inArray(assets.id, assetIds.slice(i, i + 1000))))
      out.set(a.id, a.tags);
  return out;
}

/**
 * Single-finding alerts still open (the latest outbox row of their rule and item is a trigger), read once per
 * evaluation and only when an enabled rule takes finding alerts; the evaluation's changes that end one of them
 * become its resolve. Holds only the open alerts and the changes that end them, never the evaluation's changes.
 */
export class EndedFailures {
  private readonly ended: FindingChange[] = [];

  private constructor(private readonly open: Map<string, Set<string>>) {}

  static async load(tx: TxCtx): Promise<EndedFailures | undefined> {
    const rules = await tx.db.select({ types: alertRules.types }).from(alertRules).where(eq(alertRules.enabled, true));
    if (!rules.some((r) => r.types.includes("compliance.finding.new"))) return undefined;
    const latest = await tx.db
      .selectDistinctOn([alertOutbox.ruleId, alertOutbox.itemKey], {
        ruleId: alertOutbox.ruleId,
        itemKey: alertOutbox.itemKey,
        action: alertOutbox.action,
      })
      .from(alertOutbox)
      .where(
        and(
          eq(alertOutbox.eventType, "compliance.finding.new"),
          like(alertOutbox.itemKey, "finding:%"),
          isNotNull(alertOutbox.ruleId),
        ),
      )
      .orderBy(alertOutbox.ruleId, alertOutbox.itemKey, desc(alertOutbox.createdAt));
    const open = new Map<string, Set<string>>();
    for (const r of latest) {
      if (r.action !== "trigger" || !r.itemKey || !r.ruleId) continue;
      const rules = open.get(r.itemKey) ?? new Set<string>();
      rules.add(r.ruleId);
      open.set(r.itemKey, rules);
    }
    return new EndedFailures(open);
  }

  add(changes: readonly FindingChange[]): void {
    if (!this.open.size) return;
    for (const c of changes) if (c.from === "F" && c.to !== "F" && this.open.has(itemKeyOf(c))) this.ended.push(c);
  }

  async emit(tx: TxCtx, now: Date): Promise<void> {
    const tags = await tagsOf(tx, this.ended);
    for (const c of this.ended) {
      const rule = ruleById(c.ruleId);
      const severity = rule?.severity === "critical" ? "critical" : "high";
      await emitFailure(tx, c, rule?.title ?? c.ruleId, severity, now, tags.get(c.at.objectId), {
        rules: this.open.get(itemKeyOf(c))!,
      });
    }
  }
}

/** The score alerts, each rule with its own threshold and drop (alert_rules.score_below / score_drop). */
export async function emitScoreAlerts(
  tx: TxCtx,
  { previous, score }: { previous: number | null; score: number | null },
  now: Date,
): Promise<void> {
  if (previous === null || score === null) return;
  const round = (x: number) => Math.round(x * 10) / 10;
  await emitAlert(
    tx,
    {
      type: "compliance.score.below",
      itemKey: `score-below:${now.toISOString()}`,
      title: `Compliance score ${round(score)} fell below the threshold`,
      summary: `The tenant's compliance score went from ${round(previous)} to ${round(score)}. The overview explains what changed.`,
      facts: [
        { name: "Score", value: String(round(score)) },
        { name: "Previous", value: String(round(previous)) },
      ],
      link: "/compliance",
      data: { framework: "Overall", score: round(score), threshold: 0 },
      forRule: (rule) => previous >= rule.scoreBelow && score < rule.scoreBelow,
      dataForRule: (rule) => ({ threshold: rule.scoreBelow }),
    },
    now,
  );
  await emitAlert(
    tx,
    {
      type: "compliance.score.dropped",
      itemKey: `score-drop:${now.toISOString()}`,
      title: `Compliance score dropped ${round(previous - score)} points to ${round(score)}`,
      summary: `The tenant's compliance score went from ${round(previous)} to ${round(score)}. The overview explains what changed.`,
      facts: [
        { name: "Score", value: String(round(score)) },
        { name: "Previous", value: String(round(previous)) },
      ],
      link: "/compliance",
      data: { framework: "Overall", score: round(score), previous: round(previous), drop: round(previous - score) },
      forRule: (rule) => previous - score >= rule.scoreDrop,
    },
    now,
  );
}

/**
 * The compliance alerts (types registered in lib/alerts/registry.ts), raised in the evaluation's transaction:
 * - a new critical/high failure (a finding that was not failing before; not on the first evaluation, which is the
 *   baseline). Past PER_RULE new failures of one rule in one evaluation (a new rule, a tightened parameter), the rule
 *   raises one summary alert instead of a flood;
 * - the tenant score crossing below a rule's threshold (once per crossing), or dropping by at least a rule's points
 *   since the previous evaluation.
 */
import { emitAlert } from "../alerts/emit";
import type { TxCtx } from "../context";
import { ruleById } from "./catalogue";
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
    for (const [ruleId, r] of this.byRule) {
      const rule = ruleById(ruleId)!;
      const severity = rule.severity as "critical" | "high";
      if (r.count <= PER_RULE) {
        for (const c of r.first) await emitFailure(tx, c, rule.title, severity, now);
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

async function emitFailure(tx: TxCtx, c: FindingChange, title: string, severity: "critical" | "high", now: Date) {
  const where = c.at.vaultName && c.at.scope !== "vault" ? `${c.at.objectName} in ${c.at.vaultName}` : c.at.objectName;
  await emitAlert(
    tx,
    {
      type: "compliance.finding.new",
      itemKey: `finding:${c.ruleId}:${c.at.objectId}`,
      title: `${title}: ${where}`,
      summary: c.reason,
      severity,
      ...(c.at.subscriptionId ? { subscriptionId: c.at.subscriptionId } : {}),
      ...(c.at.vaultName ? { vaultName: c.at.vaultName } : {}),
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
    },
    now,
  );
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

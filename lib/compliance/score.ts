/**
 * Score arithmetic, pure. The formula (docs/compliance.md shows it to users):
 *
 *   score(S) = 100 × Σ_r w(r) × p_r / n_r  ÷  Σ_r w(r)
 *
 * over the rules r with at least one evaluated finding in the scope S (an object, a vault with its objects, a
 * subscription, the tenant, or a framework's rules), where n_r is the number of evaluated findings of r in S, p_r those
 * that pass, and w the severity weight. Evaluated = pass or fail, not waived; unknown and not-applicable findings are
 * left out. Each rule weighs the same whatever the number of objects it applies to, so one vault without purge
 * protection is not drowned by ten thousand secrets. No evaluated finding: no score (null), never 100.
 */
import type { Finding } from "./catalogue";
import type { Facts, Scope } from "./facts";
import { ruleById } from "./catalogue";
import type { Framework } from "./frameworks";
import type { Severity } from "./rule";

export const SEVERITY_WEIGHT: Readonly<Record<Severity, number>> = { critical: 10, high: 5, medium: 3, low: 1 };

/** A finding with where it lives, so it can be rolled up. */
export interface LocatedFinding extends Finding {
  scope: Scope;
  objectName: string;
  vaultId: string | null;
  vaultName: string | null;
  subscriptionId: string | null;
  /** An approved, unexpired waiver applies: listed, not scored. */
  waived?: boolean;
}

/** Places an object's findings in the hierarchy (apps have no vault or subscription: they count for the tenant). */
export function locate(facts: Facts, findings: readonly Finding[]): LocatedFinding[] {
  const where =
    facts.scope === "vault"
      ? { objectName: facts.name, vaultId: facts.id, vaultName: facts.name, subscriptionId: facts.subscriptionId }
      : facts.scope === "app"
        ? { objectName: facts.displayName, vaultId: null, vaultName: null, subscriptionId: null }
        : facts.scope === "appCredential"
          ? { objectName: facts.appDisplayName, vaultId: null, vaultName: null, subscriptionId: null }
          : {
              objectName: facts.name,
              vaultId: facts.vaultId,
              vaultName: facts.vaultName,
              subscriptionId: facts.subscriptionId,
            };
  // literal objects of one shape (no spread): a large estate holds hundreds of thousands of these
  return findings.map((f) => ({
    ruleId: f.ruleId,
    objectId: f.objectId,
    status: f.status,
    reason: f.reason,
    scope: facts.scope,
    objectName: where.objectName,
    vaultId: where.vaultId,
    vaultName: where.vaultName,
    subscriptionId: where.subscriptionId,
  }));
}

/** Per rule: evaluated findings and passing ones. */
export type Tally = Map<string, { n: number; p: number }>;

export const isEvaluated = (f: Pick<LocatedFinding, "status" | "waived">) =>
  !f.waived && (f.status === "pass" || f.status === "fail");

export function weightOf(ruleId: string): number {
  const r = ruleById(ruleId);
  return r ? SEVERITY_WEIGHT[r.severity] : 0;
}

export function tally(findings: Iterable<LocatedFinding>): Tally {
  const t: Tally = new Map();
  for (const f of findings) if (isEvaluated(f)) add(t, f);
  return t;
}

export function scoreOf(t: Tally): number | null {
  let num = 0;
  let den = 0;
  for (const [ruleId, { n, p }] of t) {
    if (n === 0) continue;
    const w = weightOf(ruleId);
    num += (w * p) / n;
    den += w;
  }
  return den === 0 ? null : (100 * num) / den;
}

export interface Scores {
  tenant: number | null;
  bySubscription: Map<string, number | null>;
  /** A vault's score covers its own settings and its objects. */
  byVault: Map<string, number | null>;
  byObject: Map<string, number | null>;
}

function add(t: Tally, f: LocatedFinding): void {
  const e = t.get(f.ruleId);
  const p = f.status === "pass" ? 1 : 0;
  if (e) {
    e.n++;
    e.p += p;
  } else t.set(f.ruleId, { n: 1, p });
}

/** One pass over the findings, tallying every level at once (the evaluation of a large estate is one call). */
export function scores(findings: readonly LocatedFinding[]): Scores {
  const tenant: Tally = new Map();
  const levels = [new Map<string, Tally>(), new Map<string, Tally>(), new Map<string, Tally>()];
  for (const f of findings) {
    if (!isEvaluated(f)) continue;
    add(tenant, f);
    const keys = [f.subscriptionId, f.vaultId, f.objectId];
    for (let i = 0; i < 3; i++) {
      const k = keys[i];
      if (k === null) continue;
      let t = levels[i].get(k);
      if (!t) levels[i].set(k, (t = new Map()));
      add(t, f);
    }
  }
  const scored = (m: Map<string, Tally>) => new Map([...m].map(([k, t]) => [k, scoreOf(t)] as const));
  return {
    tenant: scoreOf(tenant),
    bySubscription: scored(levels[0]),
    byVault: scored(levels[1]),
    byObject: scored(levels[2]),
  };
}

export type ControlStatus = "pass" | "fail" | "notAssessed" | "customer";

export interface ControlScore {
  id: string;
  score: number | null;
  status: ControlStatus;
  failing: number;
}

/**
 * A framework's score: the formula over the findings of its mapped rules (each rule once, even when several controls
 * map it). A control passes when all its evaluated findings pass; customer-responsibility controls are listed apart.
 */
export function frameworkScore(findings: readonly LocatedFinding[], fw: Framework) {
  const byRule = new Map<string, LocatedFinding[]>();
  for (const f of findings) {
    const l = byRule.get(f.ruleId);
    if (l) l.push(f);
    else byRule.set(f.ruleId, [f]);
  }
  const of = (rules: readonly string[]) => rules.flatMap((r) => byRule.get(r) ?? []);
  const mapped = [...new Set(fw.controls.flatMap((c) => c.rules))];
  const controls: ControlScore[] = fw.controls.map((c) => {
    if (c.coverage === "customer") return { id: c.id, score: null, status: "customer", failing: 0 };
    const t = tally(of(c.rules));
    const score = scoreOf(t);
    const failing = [...t.values()].reduce((s, e) => s + e.n - e.p, 0);
    const status: ControlStatus = score === null ? "notAssessed" : failing ? "fail" : "pass";
    return { id: c.id, score, status, failing };
  });
  return { framework: fw.id, score: scoreOf(tally(of(mapped))), controls };
}

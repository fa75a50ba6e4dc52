/**
 * The rule catalogue and its evaluation: pure functions from facts, parameters and an instant to outcomes. Persisting
 * findings, incremental evaluation and waivers are built on top of these (see docs/compliance.md).
 */
import type { Facts, Scope } from "./facts";
import { unknown, type Outcome, type Rule } from "./rule";
import { appRules } from "./rules/apps";
import { certificateCryptoRules } from "./rules/certificates-crypto";
import { certificateIssuerRules } from "./rules/certificates-issuer";
import { certificateLifecycleRules } from "./rules/certificates-lifecycle";
import { keyCryptoRules } from "./rules/keys-crypto";
import { keyLifecycleRules } from "./rules/keys-lifecycle";
import { secretRules } from "./rules/secrets";
import { vaultAccessRules } from "./rules/vault-access";
import { vaultMonitoringRules } from "./rules/vault-monitoring";
import { vaultNetworkRules } from "./rules/vault-network";

/** Every rule; heterogeneous, so typed by its common shape. */
export const RULES: readonly Rule[] = [
  ...vaultAccessRules,
  ...vaultNetworkRules,
  ...vaultMonitoringRules,
  ...secretRules,
  ...keyLifecycleRules,
  ...keyCryptoRules,
  ...certificateLifecycleRules,
  ...certificateCryptoRules,
  ...certificateIssuerRules,
  ...appRules,
] as unknown as readonly Rule[];

const byId = new Map(RULES.map((r) => [r.id, r]));

export function ruleById(id: string): Rule | undefined {
  return byId.get(id);
}

export function rulesFor(scope: Scope): Rule[] {
  return RULES.filter((r) => r.scope === scope);
}

/** Settings for one rule: on/off and parameter overrides (validated by the rule's own schema). */
export interface RuleSetting {
  enabled?: boolean;
  params?: Record<string, unknown>;
}

/** A rule's effective parameters: its defaults overlaid with the settings. Throws a ZodError on invalid settings. */
export function paramsFor(rule: Rule, setting?: RuleSetting): unknown {
  return rule.params.parse(setting?.params ?? {});
}

export interface Finding extends Outcome {
  ruleId: string;
  /** The facts' id (vault ARM id, asset id, app or credential id). */
  objectId: string;
}

/** The enabled rules of each scope with their parameters parsed once (evaluation runs per object, many times). */
export type PreparedRules = ReadonlyMap<Scope, readonly { rule: Rule; params: unknown }[]>;

/** Throws a ZodError when a setting's parameters are invalid (settings are validated when saved). */
export function prepareRules(settings: Readonly<Record<string, RuleSetting>> = {}): PreparedRules {
  const out = new Map<Scope, { rule: Rule; params: unknown }[]>();
  for (const rule of RULES) {
    const s = settings[rule.id];
    if (!(s?.enabled ?? rule.enabledByDefault)) continue;
    const list = out.get(rule.scope) ?? [];
    list.push({ rule, params: paramsFor(rule, s) });
    out.set(rule.scope, list);
  }
  return out;
}

/**
 * One rule's outcome for one object. A rule that throws (a fact of an unexpected shape) yields "unknown" for that
 * object only, so one odd row never stops an evaluation.
 */
export function outcomeOf(rule: Rule, params: unknown, facts: Facts, now: Date): Outcome {
  try {
    return rule.evaluate(facts as never, params as never, now);
  } catch (e) {
    return unknown(`evaluation failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Evaluates every prepared rule of the facts' scope. */
export function evaluate(facts: Facts, now: Date, prepared: PreparedRules = prepareRules()): Finding[] {
  const out: Finding[] = [];
  for (const { rule, params } of prepared.get(facts.scope) ?? []) {
    const o = outcomeOf(rule, params, facts, now);
    out.push({ ruleId: rule.id, objectId: facts.id, status: o.status, reason: o.reason });
  }
  return out;
}

/**
 * The shape of a compliance rule and its outcome, and the small pieces of Azure Policy's condition language the rules
 * reproduce (day arithmetic, case-insensitive string comparison, ISO 8601 durations).
 */
import { z } from "zod";
import type { FactsOf, Scope } from "./facts";

export type Severity = "critical" | "high" | "medium" | "low";
export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low"];

/**
 * pass: in scope and compliant. fail: non-compliant. notApplicable: outside the rule's scope (Azure Policy would list
 * it as compliant; we leave it out of the score). unknown: a fact the rule needs is not recorded.
 */
export type OutcomeStatus = "pass" | "fail" | "notApplicable" | "unknown";

export interface Outcome {
  status: OutcomeStatus;
  /** Why, in words an auditor can read (never a secret value). */
  reason: string;
}

export interface Rule<S extends Scope = Scope, P extends z.ZodType = z.ZodType> {
  id: string;
  title: string;
  why: string;
  severity: Severity;
  scope: S;
  /** Rules that need an organisation's own values (e.g. its CA) are off until configured. */
  enabledByDefault: boolean;
  /** zod schema of the parameters; `params.parse({})` gives the defaults. */
  params: P;
  /** How the rule decides, and where it departs from the Azure Policy definition (if ever). */
  interpretation: string;
  evaluate(facts: FactsOf<S>, params: z.output<P>, now: Date): Outcome;
  /**
   * Time-driven rules: the first instant after `now` at which the outcome changes with no change of facts (null: it
   * never will). Rules without it depend on the facts only, so an incremental evaluation need not revisit them.
   */
  nextChange?(facts: FactsOf<S>, params: z.output<P>, now: Date): Date | null;
  remediation: { portal: string[]; cli: string };
  references: {
    /** The built-in definition's `name` (a GUID). */
    azurePolicy?: string;
    cis?: string[];
    mcsb?: string[];
  };
}

/** Declares a rule keeping its facts and parameter types precise. */
export function defineRule<S extends Scope, P extends z.ZodType>(rule: Rule<S, P>): Rule<S, P> {
  return rule;
}

export const pass = (reason: string): Outcome => ({ status: "pass", reason });
export const fail = (reason: string): Outcome => ({ status: "fail", reason });
export const notApplicable = (reason: string): Outcome => ({ status: "notApplicable", reason });
export const unknown = (reason: string): Outcome => ({ status: "unknown", reason });

export const DAY_MS = 86_400_000;

/** A rule parameter counted in days (0 to 100 years), with its default. */
export const daysParam = (def: number) => z.number().int().min(0).max(36500).default(def);

/** Azure Policy's addDays(): exact 24-hour days added to an instant (no rounding to calendar days). */
export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * DAY_MS);
}

/** The instant if it is still ahead of `now`, else null. */
export function ahead(t: number, now: Date): Date | null {
  return t > now.getTime() ? new Date(t) : null;
}

/** Whole days between two instants, for messages only (decisions compare instants). */
export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}

/** Azure Policy compares strings case-insensitively (equals, notEquals, in, notIn). */
export function sameText(a: string | null | undefined, b: string): boolean {
  return a != null && a.toLowerCase() === b.toLowerCase();
}

export function inList(a: string | null | undefined, list: readonly string[]): boolean {
  return a != null && list.some((x) => sameText(a, x));
}

const ISO_DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i;

/**
 * Adds an ISO 8601 duration (the form Key Vault rotation policies use: P90D, P1Y, P3M, PT48H) to an instant, years and
 * months on the UTC calendar. `sign` -1 subtracts. Undefined for a malformed duration.
 */
export function addIsoDuration(d: Date, duration: string, sign: 1 | -1 = 1): Date | undefined {
  const m = ISO_DURATION.exec(duration);
  if (!m || duration === "P" || duration.endsWith("T")) return undefined;
  const [y, mo, w, dd, h, mi, s] = m.slice(1).map((x) => sign * Number(x ?? 0));
  const out = new Date(d.getTime());
  out.setUTCFullYear(out.getUTCFullYear() + y, out.getUTCMonth() + mo, out.getUTCDate() + w * 7 + dd);
  out.setUTCHours(out.getUTCHours() + h, out.getUTCMinutes() + mi, out.getUTCSeconds() + s);
  return out;
}

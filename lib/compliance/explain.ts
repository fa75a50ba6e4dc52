/**
 * "Explain the change": why a score moved between two evaluations, in sentences like
 * "−4: 12 secrets in kv-prod lost their expiry date". Changed findings are grouped by rule, vault and transition; each
 * group's points are its marginal effect (the score after, minus the score after with that group put back as it was),
 * so groups on different rules add up exactly; what they share (a rule's denominator when objects appear or vanish)
 * is reported as one last "interaction" line, so the lines always sum to the change.
 */
import { ruleById } from "./catalogue";
import type { Scope } from "./facts";
import { isEvaluated, scoreOf, tally, type LocatedFinding, type Tally } from "./score";

/** none: not evaluated (absent, unknown, not applicable or waived). */
export type State = "pass" | "fail" | "none";

export interface Explanation {
  points: number;
  text: string;
  ruleId: string | null;
  vaultId: string | null;
  count: number;
  from: State;
  to: State;
}

export interface ChangeExplained {
  before: number | null;
  after: number | null;
  /** null when either evaluation has no score. */
  delta: number | null;
  explanations: Explanation[];
}

type Phrase = [singular: string, plural: string];
const PHRASES: Record<string, { worse: Phrase; better: Phrase }> = {
  "secret-expiration-set": {
    worse: ["lost its expiry date", "lost their expiry date"],
    better: ["gained an expiry date", "gained an expiry date"],
  },
  "key-expiration-set": {
    worse: ["lost its expiry date", "lost their expiry date"],
    better: ["gained an expiry date", "gained an expiry date"],
  },
  "app-credential-expired": { worse: ["expired", "expired"], better: ["was renewed", "were renewed"] },
};

const NOUNS: Record<Scope, Phrase> = {
  vault: ["vault", "vaults"],
  secret: ["secret", "secrets"],
  key: ["key", "keys"],
  certificate: ["certificate", "certificates"],
  appCredential: ["app credential", "app credentials"],
  app: ["app", "apps"],
};

const stateOf = (f: LocatedFinding | undefined): State => (f && isEvaluated(f) ? (f.status as State) : "none");

/** Signed points as shown to users: whole points, one decimal below 1, a true minus sign. */
export function formatPoints(x: number): string {
  const r = Math.abs(x) >= 1 ? Math.round(Math.abs(x)).toString() : Math.abs(x).toFixed(1);
  if (r === "0.0") return "±0";
  return `${x < 0 ? "\u2212" : "+"}${r}`;
}

/** Findings of one rule in one vault that moved from one state to another. */
export interface Group {
  ruleId: string;
  scope: Scope;
  vaultId: string | null;
  vaultName: string | null;
  from: State;
  to: State;
  count: number;
  /** Why findings left the score, when the persisted evaluation knows: an approved waiver, or the object is gone. */
  note?: "waived" | "removed" | "unwaived";
}

function sentence(g: Group): string {
  const rule = ruleById(g.ruleId);
  const one = g.count === 1;
  const what = `${g.count} ${g.from === "none" && !g.note ? "new " : ""}${NOUNS[g.scope][one ? 0 : 1]}`;
  const where = g.vaultName && g.scope !== "vault" ? ` in ${g.vaultName}` : g.vaultName ? ` (${g.vaultName})` : "";
  const title = `“${rule?.title ?? g.ruleId}”`;
  const custom = PHRASES[g.ruleId];
  let verb: string;
  if (g.note === "waived")
    verb = `that ${g.from === "pass" ? "passed" : "failed"} ${title} ${one ? "was" : "were"} waived`;
  else if (g.note === "removed")
    verb = `that ${g.from === "pass" ? "passed" : "failed"} ${title} ${one ? "is" : "are"} no longer in the inventory`;
  else if (g.note === "unwaived")
    verb = `${one ? "fails" : "fail"} ${title} again: the waiver expired or was withdrawn`;
  else if (g.to === "none")
    verb = `that ${g.from === "pass" ? "passed" : "failed"} ${title} ${one ? "is" : "are"} no longer evaluated`;
  else if (g.from === "pass" && custom) verb = custom.worse[one ? 0 : 1];
  else if (g.from === "fail" && custom) verb = custom.better[one ? 0 : 1];
  else verb = `${g.to === "fail" ? (one ? "fails" : "fail") : one ? "passes" : "pass"} ${title}`;
  return `${what}${where} ${verb}`;
}

function adjust(e: { n: number; p: number }, s: State, sign: 1 | -1): void {
  if (s === "none") return;
  e.n += sign;
  if (s === "pass") e.p += sign;
}

export function explainChange(before: readonly LocatedFinding[], after: readonly LocatedFinding[]): ChangeExplained {
  const groups = new Map<string, Group>();
  const note = (f: LocatedFinding, from: State, to: State) => {
    if (from === to) return;
    const gk = `${f.ruleId}\u0000${f.vaultId ?? ""}\u0000${from}\u0000${to}`;
    const g = groups.get(gk);
    if (g) g.count++;
    else
      groups.set(gk, {
        ruleId: f.ruleId,
        scope: f.scope,
        vaultId: f.vaultId,
        vaultName: f.vaultName,
        from,
        to,
        count: 1,
      });
  };
  // per rule, object id → finding: no composite key string per finding (an estate has hundreds of thousands)
  const b = new Map<string, Map<string, LocatedFinding>>();
  for (const f of before) {
    let m = b.get(f.ruleId);
    if (!m) b.set(f.ruleId, (m = new Map()));
    m.set(f.objectId, f);
  }
  for (const f of after) {
    const m = b.get(f.ruleId);
    const fb = m?.get(f.objectId);
    if (fb) m!.delete(f.objectId);
    note(f, stateOf(fb), stateOf(f));
  }
  for (const m of b.values()) for (const fb of m.values()) note(fb, stateOf(fb), "none");
  return explainGroups(groups.values(), tally(before), tally(after));
}

/**
 * The explanation of a change given its groups and the tenant's per-rule tallies before and after — what the
 * persisted evaluation calls, with tallies it keeps rather than every finding.
 */
export function explainGroups(groups: Iterable<Group>, tBefore: Tally, tAfter: Tally): ChangeExplained {
  const sBefore = scoreOf(tBefore);
  const sAfter = scoreOf(tAfter);
  const delta = sBefore === null || sAfter === null ? null : sAfter - sBefore;
  const explanations: Explanation[] = [];
  for (const g of groups) {
    const reverted: Tally = new Map(tAfter);
    const e = { ...(tAfter.get(g.ruleId) ?? { n: 0, p: 0 }) };
    for (let i = 0; i < g.count; i++) {
      adjust(e, g.to, -1);
      adjust(e, g.from, 1);
    }
    reverted.set(g.ruleId, e);
    const sReverted = scoreOf(reverted);
    const points = sAfter !== null && sReverted !== null ? sAfter - sReverted : 0;
    const text = `${formatPoints(points)}: ${sentence(g)}`;
    explanations.push({ points, text, ruleId: g.ruleId, vaultId: g.vaultId, count: g.count, from: g.from, to: g.to });
  }
  if (delta !== null) {
    const rest = delta - explanations.reduce((s, x) => s + x.points, 0);
    if (Math.abs(rest) >= 0.05)
      explanations.push({
        points: rest,
        text: `${formatPoints(rest)}: interaction of the changes above (objects added or removed shift each rule's share)`,
        ruleId: null,
        vaultId: null,
        count: 0,
        from: "none",
        to: "none",
      });
  }
  explanations.sort((x, y) => Math.abs(y.points) - Math.abs(x.points));
  return { before: sBefore, after: sAfter, delta, explanations };
}

/**
 * One evaluation's working state, pure: the stored digest of each object in, the facts of the candidates evaluated
 * against it, out come the tallies' adjustments, the explanation's groups, and the rows to write. Shared by the full
 * and the incremental evaluation, so both produce the same rows from the same data (a tested property).
 */
import { evaluate, type Finding, type PreparedRules } from "./catalogue";
import { decode, digestOf, type Code } from "./digest";
import type { Group, State } from "./explain";
import type { Facts, Scope } from "./facts";
import { count, type Tallies } from "./tallies";
import type { WaiverMatcher, Where } from "./waiver-match";

export interface StoredObject {
  objectId: string;
  scope: string;
  objectName: string;
  vaultId: string | null;
  vaultName: string | null;
  subscriptionId: string | null;
  digest: string;
  nextChangeAt: Date | null;
}

export interface Located extends Where {
  scope: Scope;
  objectName: string;
  vaultName: string | null;
}

export interface ObjectWrite extends Located {
  digest: string;
  nextChangeAt: Date | null;
}

/** A rule × object whose letter changed: the finding row to write. */
export interface FindingChange {
  ruleId: string;
  at: Located;
  from: Code;
  to: Code;
  reason: string;
  waiverId: string | null;
}

export function locationOf(f: Facts): Located {
  if (f.scope === "vault")
    return {
      scope: f.scope,
      objectId: f.id,
      objectName: f.name,
      vaultId: f.id,
      vaultName: f.name,
      subscriptionId: f.subscriptionId,
    };
  if (f.scope === "app")
    return {
      scope: f.scope,
      objectId: f.id,
      objectName: f.displayName,
      vaultId: null,
      vaultName: null,
      subscriptionId: null,
    };
  if (f.scope === "appCredential")
    return {
      scope: f.scope,
      objectId: f.id,
      objectName: f.appDisplayName,
      vaultId: null,
      vaultName: null,
      subscriptionId: null,
    };
  return {
    scope: f.scope,
    objectId: f.id,
    objectName: f.name,
    vaultId: f.vaultId,
    vaultName: f.vaultName,
    subscriptionId: f.subscriptionId,
  };
}

/** The first instant any enabled rule's outcome for these facts changes with time alone (null: none will). */
export function nextChangeOf(facts: Facts, now: Date, prepared: PreparedRules): Date | null {
  let next: number | null = null;
  for (const { rule, params } of prepared.get(facts.scope) ?? []) {
    if (!rule.nextChange) continue;
    let t: Date | null = null;
    try {
      t = rule.nextChange(facts as never, params as never, now);
    } catch {
      t = null;
    }
    if (t && (next === null || t.getTime() < next)) next = t.getTime();
  }
  return next === null ? null : new Date(next);
}

const stateOf = (c: Code): State => (c === "P" ? "pass" : c === "F" ? "fail" : "none");

export class EvaluationState {
  /** rows to write since the last drain (the caller writes them a page at a time, so memory stays bounded) */
  objects: ObjectWrite[] = [];
  changes: FindingChange[] = [];
  removed: string[] = [];
  readonly groups = new Map<string, Group>();
  evaluated = 0;
  changed = 0;
  /** false while an object that left the inventory is being removed */
  private live = true;

  constructor(
    private readonly stored: Map<string, StoredObject>,
    readonly tallies: Tallies,
    private readonly now: Date,
    private readonly prepared: PreparedRules,
    private readonly waiver: WaiverMatcher,
  ) {}

  /** Evaluates one candidate and records what changed against its stored digest. */
  add(facts: Facts): void {
    this.evaluated++;
    const at = locationOf(facts);
    const findings = evaluate(facts, this.now, this.prepared);
    const byRule = new Map<string, Finding>(findings.map((f) => [f.ruleId, f]));
    const waivers = new Map<string, string>();
    const digest = digestOf(facts.scope, findings, (ruleId) => {
      const w = this.waiver(ruleId, at);
      if (w) waivers.set(ruleId, w.id);
      return !!w;
    });
    let next = nextChangeOf(facts, this.now, this.prepared)?.getTime() ?? null;
    for (const [ruleId, id] of waivers) {
      const exp = this.waiverExpiry(ruleId, at, id);
      if (exp && (next === null || exp < next)) next = exp;
    }
    const old = this.stored.get(facts.id);
    this.stored.delete(facts.id);
    const before = old ? decode(old.scope, old.digest) : decode(facts.scope, "");
    const after = decode(facts.scope, digest);
    for (let i = 0; i < after.length; i++) {
      const [ruleId, to] = after[i];
      const from = before[i]?.[1] ?? "-";
      // a waiver that changed from one approved waiver to another keeps the letter but not the row
      const waiverMoved = to === "W";
      if (from === to && !waiverMoved) continue;
      if (from !== to) this.move(ruleId, at, from, to, old);
      this.changed++;
      this.changes.push({
        ruleId,
        at,
        from,
        to,
        reason: byRule.get(ruleId)?.reason ?? "rule disabled",
        waiverId: waivers.get(ruleId) ?? null,
      });
    }
    const unchanged =
      old &&
      old.digest === digest &&
      (old.nextChangeAt?.getTime() ?? null) === next &&
      old.objectName === at.objectName &&
      old.vaultName === at.vaultName;
    if (!unchanged) this.objects.push({ ...at, digest, nextChangeAt: next === null ? null : new Date(next) });
  }

  /** An object no longer in the inventory: its letters leave the tallies and its failures resolve as removed. */
  remove(old: StoredObject): void {
    this.stored.delete(old.objectId);
    this.removed.push(old.objectId);
    const at: Located = {
      scope: old.scope as Scope,
      objectId: old.objectId,
      objectName: old.objectName,
      vaultId: old.vaultId,
      vaultName: old.vaultName,
      subscriptionId: old.subscriptionId,
    };
    this.live = false;
    for (const [ruleId, from] of decode(old.scope, old.digest)) {
      if (from === "-") continue;
      this.move(ruleId, at, from, "-", old);
      this.changed++;
      this.changes.push({
        ruleId,
        at,
        from,
        to: "-",
        reason: "the object is no longer in the inventory",
        waiverId: null,
      });
    }
  }

  /** The rows to write since the last call, and the ids of the objects removed in that time. */
  drain(): { objects: ObjectWrite[]; changes: FindingChange[]; removed: string[] } {
    const out = { objects: this.objects, changes: this.changes, removed: this.removed };
    this.objects = [];
    this.changes = [];
    this.removed = [];
    return out;
  }

  private waiverExpiry(ruleId: string, at: Where, id: string): number | null {
    const w = this.waiver(ruleId, at);
    return w && w.id === id ? w.expiresAt.getTime() : null;
  }

  private move(ruleId: string, at: Located, from: Code, to: Code, old: StoredObject | undefined): void {
    const src = old ?? at;
    count(this.tallies, ruleId, src.subscriptionId, src.vaultId, from, -1);
    count(this.tallies, ruleId, at.subscriptionId, at.vaultId, to, 1);
    const f = stateOf(from);
    const t = stateOf(to);
    if (f === t) return;
    const note =
      to === "W"
        ? "waived"
        : to === "-" && !this.live
          ? "removed"
          : from === "W" && to === "F"
            ? "unwaived"
            : undefined;
    const gk = `${ruleId}\0${at.vaultId ?? ""}\0${f}\0${t}\0${note ?? ""}`;
    const g = this.groups.get(gk);
    if (g) g.count++;
    else
      this.groups.set(gk, {
        ruleId,
        scope: at.scope,
        vaultId: at.vaultId,
        vaultName: at.vaultName,
        from: f,
        to: t,
        count: 1,
        note,
      });
  }
}

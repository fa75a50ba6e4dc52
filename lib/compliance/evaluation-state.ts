/**
 * One evaluation's working state, pure: the stored digest of each object in, the facts of the candidates evaluated
 * against it, out come the tallies' adjustments, the explanation's groups, and the rows to write. Shared by the full
 * and the incremental evaluation, so both produce the same rows from the same data (a tested property).
 */
import { outcomeOf, type PreparedRules } from "./catalogue";
import { CODE, decode, SCOPE_RULES, type Code } from "./digest";
import type { Group, State } from "./explain";
import type { Facts, Scope } from "./facts";
import type { Outcome, Rule } from "./rule";
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
  /** epoch ms */
  nextChangeAt: number | null;
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

// the place fields locationOf gives, read without building it (the unchanged object's path allocates nothing)
const nameOf = (f: Facts) =>
  f.scope === "app" ? f.displayName : f.scope === "appCredential" ? f.appDisplayName : f.name;
const vaultIdOf = (f: Facts) =>
  f.scope === "vault" ? f.id : f.scope === "app" || f.scope === "appCredential" ? null : f.vaultId;
const vaultNameOf = (f: Facts) =>
  f.scope === "vault" ? f.name : f.scope === "app" || f.scope === "appCredential" ? null : f.vaultName;
const subscriptionIdOf = (f: Facts) => (f.scope === "app" || f.scope === "appCredential" ? null : f.subscriptionId);

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

const samePlace = (a: StoredObject, b: Located) =>
  a.objectName === b.objectName &&
  a.vaultName === b.vaultName &&
  a.vaultId === b.vaultId &&
  a.subscriptionId === b.subscriptionId;

/** Letters with an open finding row (fail, waived, unknown): their rows carry the object's place. */
const OPEN = new Set<Code>(["F", "W", "U"]);

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

  /** Each scope's enabled rules at their digest positions (null: disabled), so a digest is built in one pass. */
  private readonly slots = new Map<Scope, ({ rule: Rule; params: unknown } | null)[]>();

  constructor(
    readonly tallies: Tallies,
    private readonly now: Date,
    private readonly prepared: PreparedRules,
    private readonly waiver: WaiverMatcher,
  ) {
    for (const [scope, ids] of SCOPE_RULES) {
      const enabled = new Map((prepared.get(scope) ?? []).map((p) => [p.rule.id, p]));
      this.slots.set(
        scope,
        ids.map((id) => enabled.get(id) ?? null),
      );
    }
  }

  /**
   * Evaluates one candidate against what the last evaluation stored for it (`old`, undefined if never evaluated) and
   * records what changed. An object whose letters, next change and place are all as stored allocates nothing more
   * than its outcomes: that is nearly every object of a full pass.
   */
  add(facts: Facts, old: StoredObject | undefined): void {
    this.evaluated++;
    const slots = this.slots.get(facts.scope) ?? [];
    const outcomes: (Outcome | undefined)[] = new Array(slots.length);
    let next = nextChangeOf(facts, this.now, this.prepared)?.getTime() ?? null;
    let at: Located | undefined;
    let waivers: Map<string, string> | undefined;
    let digest = "";
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i];
      if (!slot) {
        digest += "-";
        continue;
      }
      const o = outcomeOf(slot.rule, slot.params, facts, this.now);
      outcomes[i] = o;
      let code = CODE[o.status];
      if (code === "F" && this.waiver.names(slot.rule.id)) {
        const w = this.waiver.match(slot.rule.id, (at ??= locationOf(facts)));
        if (w) {
          code = "W";
          (waivers ??= new Map()).set(slot.rule.id, w.id);
          if (next === null || w.expiresAt.getTime() < next) next = w.expiresAt.getTime();
        }
      }
      digest += code;
    }
    if (
      old &&
      old.digest === digest &&
      !waivers &&
      old.nextChangeAt === next &&
      old.objectName === nameOf(facts) &&
      old.vaultName === vaultNameOf(facts) &&
      old.vaultId === vaultIdOf(facts) &&
      old.subscriptionId === subscriptionIdOf(facts)
    )
      return;
    at ??= locationOf(facts);
    // an object that changed place (subscription, vault, name) keeps its letters but moves its counts and open rows
    const placed = !old || samePlace(old, at);
    const before = old ? decode(old.scope, old.digest) : decode(facts.scope, "");
    const after = decode(facts.scope, digest);
    for (let i = 0; i < after.length; i++) {
      const [ruleId, to] = after[i];
      const from = before[i]?.[1] ?? "-";
      // a waiver that changed from one approved waiver to another keeps the letter but not the row
      const waiverMoved = to === "W";
      if (from === to && !waiverMoved && (placed || !OPEN.has(to))) {
        if (!placed) this.move(ruleId, at, from, to, old);
        continue;
      }
      if (from !== to || !placed) this.move(ruleId, at, from, to, old);
      this.changed++;
      this.changes.push({
        ruleId,
        at,
        from,
        to,
        reason: outcomes[i]?.reason ?? "rule disabled",
        waiverId: waivers?.get(ruleId) ?? null,
      });
    }
    const unchanged = old && placed && old.digest === digest && old.nextChangeAt === next;
    if (!unchanged) this.objects.push({ ...at, digest, nextChangeAt: next === null ? null : new Date(next) });
  }

  /** An object no longer in the inventory: its letters leave the tallies and its failures resolve as removed. */
  remove(old: StoredObject): void {
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

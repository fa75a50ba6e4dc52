/**
 * An object's outcomes packed in one short string, one letter per rule of its scope in catalogue order — what the
 * persisted evaluation diffs against (reading 100k short strings instead of every finding), and what the tallies are
 * adjusted from. P pass, F fail, W fail under an approved waiver, N not applicable, U unknown, - rule disabled.
 */
import { createHash } from "node:crypto";
import { RULES, type RuleSetting } from "./catalogue";
import type { Scope } from "./facts";
import type { OutcomeStatus } from "./rule";

export type Code = "P" | "F" | "W" | "N" | "U" | "-";

const SCOPES: readonly Scope[] = ["vault", "secret", "key", "certificate", "appCredential", "app"];

/** Rule ids of each scope in catalogue order: the letter positions of a digest. */
export const SCOPE_RULES: ReadonlyMap<Scope, readonly string[]> = new Map(
  SCOPES.map((s) => [s, RULES.filter((r) => r.scope === s).map((r) => r.id)] as const),
);

/** Each outcome's letter; a failure under an approved waiver is written "W" (evaluation-state.ts builds digests). */
export const CODE: Record<OutcomeStatus, Code> = { pass: "P", fail: "F", notApplicable: "N", unknown: "U" };

/** Each rule id of the scope with its letter in the digest (missing letters read as "-"). */
export function decode(scope: Scope | string, digest: string): [ruleId: string, code: Code][] {
  const ids = SCOPE_RULES.get(scope as Scope) ?? [];
  return ids.map((id, i) => [id, (digest[i] ?? "-") as Code]);
}

/**
 * The enabled rules, their parameters and the catalogue's rule list: when it differs from the last evaluation's,
 * every object is evaluated again (a parameter change can change any outcome).
 */
export function rulesFingerprint(settings: Readonly<Record<string, RuleSetting>>): string {
  const parts = RULES.map((r) => {
    const s = settings[r.id];
    return [r.id, s?.enabled ?? r.enabledByDefault, s?.params ?? {}];
  });
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 32);
}

/** Whether an item falls in a rule's scope. A dimension applies to items that have it (an app credential has no vault). */
import type { RuleScope } from "../db/schema";
import type { Candidate } from "./families";
import type { Severity } from "./message";

export function inScope(scope: RuleScope, item: Pick<Candidate, "subscriptionId" | "vaultName" | "tags">): boolean {
  if (scope.subscriptions?.length && item.subscriptionId !== undefined) {
    const subs = scope.subscriptions.map((s) => s.toLowerCase());
    if (!subs.includes(item.subscriptionId.toLowerCase())) return false;
  }
  if (scope.vaults?.length && item.vaultName !== undefined) {
    if (!scope.vaults.map((v) => v.toLowerCase()).includes(item.vaultName.toLowerCase())) return false;
  }
  for (const [k, values] of Object.entries(scope.tags ?? {})) {
    if (!values.length) continue;
    const v = item.tags[k];
    if (v === undefined || !values.map((x) => x.toLowerCase()).includes(v.toLowerCase())) return false;
  }
  return true;
}

export function severityInScope(scope: RuleScope, severity: Severity): boolean {
  return !scope.severities?.length || scope.severities.includes(severity);
}

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
export const isEmail = (s: string | undefined): s is string => !!s && s.length <= 254 && EMAIL.test(s);

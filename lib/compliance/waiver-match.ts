/**
 * Which approved waiver, if any, covers a failing finding. A waiver names one rule and a scope: the tenant, a
 * subscription, a vault (the vault itself and its objects) or one object. It applies from approval until its expiry
 * instant (exclusive) — an expired waiver stops applying by itself at the next evaluation, with no one acting.
 */
export interface ActiveWaiver {
  id: string;
  ruleId: string;
  scopeType: "tenant" | "subscription" | "vault" | "object";
  scopeId: string;
  expiresAt: Date;
}

export interface Where {
  objectId: string;
  vaultId: string | null;
  subscriptionId: string | null;
}

export interface WaiverMatcher {
  /** The waiver covering a failure of this rule at this place, if any. */
  match(ruleId: string, at: Where): ActiveWaiver | undefined;
  /** Whether any waiver names the rule: most rules have none, and their failures need no place to be looked up. */
  names(ruleId: string): boolean;
}

export function waiverMatcher(waivers: readonly ActiveWaiver[], now: Date): WaiverMatcher {
  const byRule = new Map<string, ActiveWaiver[]>();
  for (const w of waivers) {
    if (w.expiresAt.getTime() <= now.getTime()) continue;
    const l = byRule.get(w.ruleId);
    if (l) l.push(w);
    else byRule.set(w.ruleId, [w]);
  }
  return {
    match: (ruleId, at) =>
      byRule
        .get(ruleId)
        ?.find(
          (w) =>
            w.scopeType === "tenant" ||
            (w.scopeType === "subscription" && w.scopeId === at.subscriptionId) ||
            (w.scopeType === "vault" && w.scopeId === at.vaultId) ||
            (w.scopeType === "object" && w.scopeId === at.objectId),
        ),
    names: (ruleId) => byRule.has(ruleId),
  };
}

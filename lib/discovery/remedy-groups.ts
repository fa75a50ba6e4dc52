/**
 * "How to fix" for a scan's errors: one entry per remedy, listing where it applies. The stored remediation names the
 * vault it was written for (and sometimes its URI), so errors are grouped by that text with the vault's own name and
 * URI replaced — an RBAC vault and an access-policy vault with the same kind of error get two remedies, each listing
 * its vaults, instead of one remedy that names a single vault.
 */
export interface GroupableError {
  scope: string;
  remediation: string;
}

export interface RemedyGroup<E extends GroupableError> {
  /** the remedy with the vault named generically ("the vault") */
  remedy: string;
  /** where it applies, each scope once, in first-seen order */
  scopes: string[];
  errors: E[];
}

/** The vault name of a vault-scoped error (ARM id …/vaults/{name}), else null. */
export function vaultNameOf(scope: string): string | null {
  const m = /\/vaults\/([^/]+)$/i.exec(scope);
  return m ? m[1] : null;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The remediation with its vault's name and URI replaced by "the vault". */
export function genericRemedy(e: GroupableError): string {
  const name = vaultNameOf(e.scope);
  if (!name) return e.remediation;
  return e.remediation
    .replace(/https?:\/\/[^\s()]+/g, "the vault")
    .replace(new RegExp(`(?<![\\w.-])${escape(name)}(?![\\w-])`, "gi"), "the vault");
}

/** Errors grouped by remedy, largest group first (ties keep first-seen order). */
export function groupByRemedy<E extends GroupableError>(errors: readonly E[]): RemedyGroup<E>[] {
  const groups = new Map<string, RemedyGroup<E>>();
  for (const e of errors) {
    const remedy = genericRemedy(e);
    let g = groups.get(remedy);
    if (!g) groups.set(remedy, (g = { remedy, scopes: [], errors: [] }));
    if (!g.scopes.includes(e.scope)) g.scopes.push(e.scope);
    g.errors.push(e);
  }
  return [...groups.values()].sort((a, b) => b.scopes.length - a.scopes.length);
}

import { isRole, type Role } from "./permissions";

/** Effective roles: the Entra `roles` claim plus any group → role mapping from configuration (keys in lower case). */
export function resolveRoles(claims: { roles?: unknown; groups?: unknown }, groupMap: Record<string, string>): Role[] {
  const out = new Set<Role>();
  if (Array.isArray(claims.roles)) for (const r of claims.roles) if (typeof r === "string" && isRole(r)) out.add(r);
  if (Array.isArray(claims.groups)) {
    for (const g of claims.groups) {
      const mapped = typeof g === "string" ? groupMap[g.toLowerCase()] : undefined;
      if (mapped && isRole(mapped)) out.add(mapped);
    }
  }
  return [...out];
}

import { isRole, ROLES, type Role } from "../roles";
/**
 * The one permission matrix. Roles are Entra app roles; each role includes everything of the role below it
 * (Viewer ⊂ Auditor ⊂ Operator ⊂ Admin), as documented in README "Roles and permissions".
 */
export { ROLES, isRole, type Role } from "../roles";

export const PERMISSIONS = {
  "dashboard:read": "Read dashboards and inventory",
  "audit:read": "Read the audit log",
  "evidence:export": "Export audit evidence",
  "scan:run": "Start and cancel scans",
  "rotation:run": "Trigger rotations",
  "rotation:approve": "Approve or reject others' rotations (when approval is required)",
  "sync:run": "Trigger syncs",
  "settings:write": "Change settings",
  "alerts:write": "Manage alert channels and rules",
  "credentials:write": "Manage stored cloud credentials",
  "sessions:manage": "List and revoke users' sessions",
  "waivers:propose": "Propose compliance waivers",
  "waivers:decide": "Approve or reject others' compliance waivers",
} as const;
export type Permission = keyof typeof PERMISSIONS;

/**
 * The permissions a feature of today's product checks. The others are reserved in the matrix (roles keep their shape
 * as features arrive) but not shown in the console's roles grid until their feature exists: each feature adds its
 * permission here when it ships. A test checks that every live permission is checked somewhere and no other is.
 */
export const LIVE_PERMISSIONS: readonly Permission[] = [
  "dashboard:read",
  "audit:read",
  "evidence:export",
  "scan:run",
  "rotation:run",
  "rotation:approve",
  "settings:write",
  "alerts:write",
  "sessions:manage",
  "waivers:propose",
  "waivers:decide",
];

const VIEWER: Permission[] = ["dashboard:read"];
const AUDITOR: Permission[] = [...VIEWER, "audit:read", "evidence:export"];
const OPERATOR: Permission[] = [...AUDITOR, "scan:run", "rotation:run", "sync:run", "waivers:propose"];
const ADMIN: Permission[] = [
  ...OPERATOR,
  "settings:write",
  "alerts:write",
  "credentials:write",
  "sessions:manage",
  "waivers:decide",
  "rotation:approve",
];

export const MATRIX: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  "CertifyClouds.Viewer": new Set(VIEWER),
  "CertifyClouds.Auditor": new Set(AUDITOR),
  "CertifyClouds.Operator": new Set(OPERATOR),
  "CertifyClouds.Admin": new Set(ADMIN),
};

export function rolesGrant(roles: readonly string[], permission: Permission): boolean {
  return roles.some((r) => isRole(r) && MATRIX[r].has(permission));
}

/** The highest role held, for display. */
export function primaryRole(roles: readonly string[]): Role | undefined {
  for (let i = ROLES.length - 1; i >= 0; i--) if (roles.includes(ROLES[i])) return ROLES[i];
  return undefined;
}

export function roleLabel(role: Role | undefined): string {
  return role ? role.replace("CertifyClouds.", "") : "No role";
}

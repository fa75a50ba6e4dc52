/**
 * The product's app roles (Entra app roles), lowest first; each includes everything of the role below it.
 * The one list: configuration (group → role mapping), the permission matrix and the console read it from here.
 */
export const ROLES = [
  "CertifyClouds.Viewer",
  "CertifyClouds.Auditor",
  "CertifyClouds.Operator",
  "CertifyClouds.Admin",
] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

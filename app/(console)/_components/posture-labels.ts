/* Plain data, safe for client components (the dashboard is one). */

/** The posture gaps the vault list filters by (`posture=`), named as the dashboard's vault card names them. */
export const POSTURE_GAP_LABEL = {
  "public-network": "Public network open",
  "no-purge-protection": "No purge protection",
  "no-soft-delete": "No soft delete",
  "access-policies": "Access policies (not RBAC)",
  "no-diagnostics": "No diagnostics",
} as const;

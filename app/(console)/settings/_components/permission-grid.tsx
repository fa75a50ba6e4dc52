import { DataTable, type Column } from "@/app/_components/data-table";
import { LIVE_PERMISSIONS, PERMISSIONS, roleLabel, rolesGrant, ROLES, type Permission } from "@/lib/auth/permissions";

/** The permission matrix: one row per permission, a ✓ under each role that grants it. */
const PERMISSION_COLUMNS: Column<[Permission, string]>[] = [
  { header: "Permission", cell: ([, label]) => label },
  ...ROLES.map((r): Column<[Permission, string]> => ({
    header: roleLabel(r),
    align: "center",
    cell: ([p]) =>
      rolesGrant([r], p) ? (
        <span aria-label="granted">✓</span>
      ) : (
        <span aria-label="not granted" className="text-muted">
          ·
        </span>
      ),
  })),
];

/** Settings' "Roles and permissions" card: only the permissions some feature checks today. */
export function PermissionGrid() {
  return (
    <section className="card p-5 lg:col-span-2" aria-labelledby="roles-h">
      <h2 id="roles-h" className="text-base font-semibold">
        Roles and permissions
      </h2>
      <p className="mt-1 text-xs text-muted">
        Assigned as Entra app roles on the CertifyClouds enterprise application.
      </p>
      <DataTable
        label="Permissions by role"
        frame="none"
        className="mt-3"
        columns={PERMISSION_COLUMNS}
        rows={LIVE_PERMISSIONS.map((p): [Permission, string] => [p, PERMISSIONS[p]])}
        rowKey={([p]) => p}
        empty="No permissions defined."
      />
    </section>
  );
}

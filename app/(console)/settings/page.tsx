import Link from "next/link";
import { PageHeader } from "@/app/_components/page-header";
import { PERMISSIONS, primaryRole, roleLabel, rolesGrant, ROLES, type Permission } from "@/lib/auth/permissions";
import { getConfig } from "@/lib/config";
import { requirePage } from "@/lib/web/page-guard";

export const metadata = { title: "Settings" };

export default async function SettingsPage() {
  const ctx = await requirePage("dashboard:read", "/settings");
  const cfg = getConfig();
  const a = ctx.actor;
  const canManageSessions = rolesGrant(a.roles, "sessions:manage");
  return (
    <>
      <PageHeader title="Settings" description="This installation's tenant, your identity and how sign-in is protected." />
      <div className="grid gap-4 lg:grid-cols-2">
        <section className="card p-5" aria-labelledby="tenant-h">
          <h2 id="tenant-h" className="text-base font-semibold">Tenant</h2>
          <dl className="mt-3 space-y-3 text-sm">
            <Row k="Name" v={cfg.tenantDisplayName ?? "—"} />
            <Row k="Tenant id" v={cfg.auth.tenantId ?? "not configured"} mono />
            <Row k="Sign-in authority" v={cfg.auth.authorityHost} mono />
            <Row k="Azure cloud" v={cfg.azure.cloud} />
            <Row k="Database" v={cfg.database.url ? "PostgreSQL" : "Embedded (PGlite)"} />
          </dl>
        </section>
        <section className="card p-5" aria-labelledby="me-h">
          <h2 id="me-h" className="text-base font-semibold">Your identity</h2>
          <dl className="mt-3 space-y-3 text-sm">
            <Row k="Name" v={a.name} />
            <Row k="User principal name" v={a.upn} />
            <Row k="Object id" v={a.oid} mono />
            <Row k="Role" v={`${roleLabel(primaryRole(a.roles))} (${a.roles.join(", ")})`} />
          </dl>
        </section>
        <section className="card p-5" aria-labelledby="sess-h">
          <h2 id="sess-h" className="text-base font-semibold">Sessions and sign-in protection</h2>
          <dl className="mt-3 space-y-3 text-sm">
            <Row k="Absolute session lifetime" v={`${Math.round(cfg.auth.sessionMaxAgeSeconds / 60)} minutes`} />
            <Row k="Idle timeout" v={`${Math.round(cfg.auth.sessionIdleTimeoutSeconds / 60)} minutes`} />
            <Row k="Sign-in rate limit" v={`${cfg.auth.signinRateLimit.max} attempts per ${cfg.auth.signinRateLimit.windowSeconds} s per address, then locked for ${cfg.auth.signinRateLimit.lockoutSeconds} s`} />
          </dl>
          {canManageSessions && (
            <Link href="/settings/sessions" className="btn-secondary mt-4" data-testid="manage-sessions">
              Manage active sessions →
            </Link>
          )}
        </section>
        <section className="card p-5 lg:col-span-2" aria-labelledby="roles-h">
          <h2 id="roles-h" className="text-base font-semibold">Roles and permissions</h2>
          <p className="mt-1 text-xs text-slate-500">Assigned as Entra app roles on the CertifyClouds enterprise application.</p>
          <div className="mt-3 overflow-x-auto">
            <table className="table">
              <thead>
                <tr>
                  <th>Permission</th>
                  {ROLES.map((r) => (
                    <th key={r} className="text-center">{roleLabel(r)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {(Object.entries(PERMISSIONS) as [Permission, string][]).map(([p, label]) => (
                  <tr key={p}>
                    <td>{label}</td>
                    {ROLES.map((r) => (
                      <td key={r} className="text-center">{rolesGrant([r], p) ? "✓" : <span className="text-slate-300 dark:text-slate-600">·</span>}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>
    </>
  );
}

function Row({ k, v, mono }: { k: string; v: string; mono?: boolean }) {
  return (
    <div className="grid grid-cols-3 gap-2">
      <dt className="text-slate-500 dark:text-slate-400">{k}</dt>
      <dd className={`col-span-2 ${mono ? "break-all font-mono text-xs leading-5" : "break-words"}`}>{v}</dd>
    </div>
  );
}

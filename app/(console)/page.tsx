import Link from "next/link";
import { PageHeader } from "@/app/_components/page-header";
import { formatDateTime, formatRelative } from "@/app/_components/format";
import { PERMISSIONS, primaryRole, roleLabel, rolesGrant, type Permission } from "@/lib/auth/permissions";
import { systemOverview } from "@/lib/system/overview";
import { requirePage } from "@/lib/web/page-guard";

export const metadata = { title: "Overview" };

export default async function OverviewPage() {
  const ctx = await requirePage("dashboard:read", "/");
  const o = await systemOverview();
  const canAudit = rolesGrant(ctx.actor.roles, "audit:read");
  const granted = (Object.keys(PERMISSIONS) as Permission[]).filter((p) => rolesGrant(ctx.actor.roles, p));
  return (
    <>
      <PageHeader title={`Welcome, ${ctx.actor.name.split(" ")[0]}`} description="The state of this CertifyClouds installation and what your role lets you do." />
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <Stat label="Database" value={o.database} hint="Connected and migrated" tone="ok" />
        <Stat label="Audit entries" value={o.auditEntries.toLocaleString("en-US")} hint={`Last ${formatRelative(o.lastAuditAt)}`} />
        <Stat label="Active sessions" value={String(o.activeSessions)} hint={`${o.knownUsers} user${o.knownUsers === 1 ? "" : "s"} have signed in`} />
        <Stat label="Your role" value={roleLabel(primaryRole(ctx.actor.roles))} hint={`${granted.length} of ${Object.keys(PERMISSIONS).length} permissions`} />
      </div>
      <div className="mt-6 grid gap-4 lg:grid-cols-2">
        <section className="card p-5">
          <h2 className="text-base font-semibold">What you can do</h2>
          <ul className="mt-3 space-y-2 text-sm">
            {(Object.entries(PERMISSIONS) as [Permission, string][]).map(([p, label]) => {
              const ok = granted.includes(p);
              return (
                <li key={p} className="flex items-center gap-2">
                  <span className={`inline-flex h-5 w-5 items-center justify-center rounded-full text-xs ${ok ? "bg-emerald-100 text-emerald-700 dark:bg-emerald-500/15 dark:text-emerald-300" : "bg-slate-100 text-slate-400 dark:bg-slate-800 dark:text-slate-500"}`}>
                    {ok ? "✓" : "–"}
                  </span>
                  <span className={ok ? "" : "text-slate-400 dark:text-slate-500"}>{label}</span>
                </li>
              );
            })}
          </ul>
        </section>
        <section className="card p-5">
          <h2 className="text-base font-semibold">Tamper-evident audit log</h2>
          <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
            Every sign-in, sign-out, denial and change is recorded with who, when, what and from where, in the same transaction as the
            change. Rows are SHA-256 hash-chained and MAC-signed; the database rejects edits and deletions.
          </p>
          <dl className="mt-4 grid grid-cols-2 gap-3 text-sm">
            <div>
              <dt className="label">Entries</dt>
              <dd className="font-medium">{o.auditEntries.toLocaleString("en-US")}</dd>
            </div>
            <div>
              <dt className="label">Latest</dt>
              <dd className="font-medium">{formatDateTime(o.lastAuditAt)}</dd>
            </div>
          </dl>
          {canAudit && (
            <Link href="/audit" className="btn-secondary mt-4">
              Open the audit log →
            </Link>
          )}
        </section>
      </div>
    </>
  );
}

function Stat({ label, value, hint, tone }: { label: string; value: string; hint?: string; tone?: "ok" }) {
  return (
    <div className="card p-4">
      <div className="label">{label}</div>
      <div className="mt-1 flex items-center gap-2 text-xl font-semibold">
        {tone === "ok" && <span className="h-2 w-2 rounded-full bg-emerald-500" aria-hidden="true" />}
        {value}
      </div>
      {hint && <div className="mt-1 text-xs text-slate-500 dark:text-slate-400">{hint}</div>}
    </div>
  );
}

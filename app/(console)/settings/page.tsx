import { Link } from "@/app/_components/link";
import { PageHeader } from "@/app/_components/page-header";
import { primaryRole, roleLabel, rolesGrant } from "@/lib/auth/permissions";
import { getConfig } from "@/lib/config";
import { inventoryFacets } from "@/lib/inventory/list-assets";
import { nextRuns } from "@/lib/settings/forms";
import { readConsoleSettings } from "@/lib/settings/store";
import { listAppAutoOverrides } from "@/lib/rotation";
import { requirePage } from "@/lib/web/page-guard";
import { formatDateTime } from "@/app/_components/format";
import { updateAllowList, updateRotation, updateSchedule, updateThresholds } from "./actions";
import { ConcurrencySection } from "./_components/concurrency-section";
import { PermissionGrid } from "./_components/permission-grid";
import { RotationAutoSection } from "./_components/rotation-auto-section";
import { AllowListField, SettingForm, TextField } from "./_components/setting-form";

export const metadata = { title: "Settings" };

export default async function SettingsPage() {
  const ctx = await requirePage("dashboard:read", "/settings");
  const cfg = getConfig();
  const a = ctx.actor;
  const canManageSessions = rolesGrant(a.roles, "sessions:manage");
  const canWrite = rolesGrant(a.roles, "settings:write");
  const st = await readConsoleSettings(ctx);
  const th = st["expiry.thresholds"];
  const sched = st["scan.schedule"];
  const allow = st["discovery.subscriptions"].allowList;
  const rot = st["rotation.policy"];
  const { subscriptions } = await inventoryFacets({ ctx, input: { limit: 1 } });
  const subscriptionName = new Map(subscriptions.map((s) => [s.id.toLowerCase(), s.name]));
  const runs = sched.enabled ? nextRuns(sched.cron, sched.timezone, 3) : [];
  return (
    <>
      <PageHeader
        title="Settings"
        description="Discovery and expiry settings, this installation's tenant, your identity and how sign-in is protected."
        actions={
          <Link href="/settings/compliance" className="btn-secondary" data-testid="compliance-settings-link">
            Compliance rules
          </Link>
        }
      />
      {!canWrite && (
        <p
          className="mb-4 rounded-lg border border-slate-200 bg-white px-4 py-2 text-sm text-slate-600 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-400"
          data-testid="settings-readonly"
        >
          Read-only: changing settings needs the Admin role.
        </p>
      )}
      <div className="mb-4 grid gap-4 lg:grid-cols-3">
        <section className="card p-5" aria-labelledby="thr-h" data-testid="settings-thresholds">
          <h2 id="thr-h" className="text-base font-semibold">
            Expiry thresholds
          </h2>
          <p className="mt-1 text-xs text-muted">
            Objects expiring within the critical window are critical, within the warning window warning. Applied on the
            next scan.
          </p>
          {canWrite ? (
            <SettingForm action={updateThresholds} testId="thresholds-form">
              <div className="mt-3 grid grid-cols-2 gap-3">
                <TextField
                  name="warningDays"
                  label="Warning (days)"
                  type="number"
                  inputMode="numeric"
                  defaultValue={th.warningDays}
                />
                <TextField
                  name="criticalDays"
                  label="Critical (days)"
                  type="number"
                  inputMode="numeric"
                  defaultValue={th.criticalDays}
                />
              </div>
            </SettingForm>
          ) : (
            <dl className="mt-3 space-y-3 text-sm">
              <Row k="Warning" v={`≤ ${th.warningDays} days`} />
              <Row k="Critical" v={`≤ ${th.criticalDays} days`} />
            </dl>
          )}
          {Object.keys(th.perSubscription).length > 0 && (
            <p className="mt-3 text-xs text-muted">
              {Object.keys(th.perSubscription).length} subscription override(s) in force.
            </p>
          )}
        </section>
        <section className="card p-5" aria-labelledby="sched-h" data-testid="settings-schedule">
          <h2 id="sched-h" className="text-base font-semibold">
            Scheduled scan
          </h2>
          <p className="mt-1 text-xs text-muted">
            Cron (minute hour day month weekday), evaluated in the timezone below.
          </p>
          {canWrite ? (
            <SettingForm action={updateSchedule} testId="schedule-form">
              <div className="mt-3 space-y-3">
                <label className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    name="enabled"
                    defaultChecked={sched.enabled}
                    className="h-4 w-4 accent-brand-600"
                  />
                  Run scans on a schedule
                </label>
                <TextField
                  name="cron"
                  label="Cron"
                  defaultValue={sched.cron}
                  mono
                  hint="e.g. 0 */6 * * * — every 6 hours"
                />
                <div className="grid grid-cols-2 gap-3">
                  <TextField name="timezone" label="Timezone" defaultValue={sched.timezone} />
                  <div>
                    <label className="label" htmlFor="f-mode">
                      Mode
                    </label>
                    <select id="f-mode" name="mode" className="input" defaultValue={sched.mode}>
                      <option value="delta">Delta</option>
                      <option value="full">Full</option>
                    </select>
                  </div>
                </div>
              </div>
            </SettingForm>
          ) : (
            <dl className="mt-3 space-y-3 text-sm">
              <Row k="Enabled" v={sched.enabled ? "Yes" : "No"} />
              <Row k="Cron" v={sched.cron} mono />
              <Row k="Timezone" v={sched.timezone} />
              <Row k="Mode" v={sched.mode} />
            </dl>
          )}
          {runs.length > 0 && (
            <p className="mt-3 text-xs text-muted">Next runs: {runs.map((r) => formatDateTime(r)).join(" · ")}</p>
          )}
        </section>
        <section className="card p-5" aria-labelledby="allow-h" data-testid="settings-allowlist">
          <h2 id="allow-h" className="text-base font-semibold">
            Subscriptions in scope
          </h2>
          <p className="mt-1 text-xs text-muted">
            {allow.length === 0
              ? "Currently every subscription the scanner identity can see."
              : `${allow.length} subscription(s) allowed; others are skipped.`}
          </p>
          {canWrite ? (
            <SettingForm action={updateAllowList} testId="allowlist-form">
              <div className="mt-3">
                <AllowListField subscriptions={subscriptions} allowed={allow} />
              </div>
            </SettingForm>
          ) : (
            <ul className="mt-3 space-y-1 text-sm" data-testid="allowlist-names">
              {allow.length === 0 ? (
                <li className="text-muted">All subscriptions</li>
              ) : (
                allow.map((id) => (
                  <li key={id}>
                    {subscriptionName.get(id.toLowerCase()) ?? "Not discovered yet"}
                    <span className="ml-2 font-mono text-xs text-muted">{id}</span>
                  </li>
                ))
              )}
            </ul>
          )}
        </section>
      </div>
      <ConcurrencySection conc={st["discovery.concurrency"]} canWrite={canWrite} />
      <section className="card mb-4 p-5" aria-labelledby="rot-h" data-testid="settings-rotation">
        <h2 id="rot-h" className="text-base font-semibold">
          Rotation
        </h2>
        <p className="mt-1 text-xs text-muted">
          New client secrets are valid for the validity below; the old one stays valid for the overlap after the new one
          is verified. A Key Vault secret whose name matches a pattern is linked to the app ({"{appSlug}"},{" "}
          {"{appName}"}, {"{appId}"}).
        </p>
        {canWrite ? (
          <SettingForm action={updateRotation} testId="rotation-form">
            <div className="mt-3 grid gap-3 sm:grid-cols-3">
              <TextField
                name="validityDays"
                label="Validity (days)"
                type="number"
                inputMode="numeric"
                defaultValue={rot.validityDays}
              />
              <TextField
                name="overlapHours"
                label="Overlap (hours)"
                type="number"
                inputMode="numeric"
                defaultValue={rot.overlapHours}
              />
              <TextField
                name="namingPatterns"
                label="Naming patterns (comma-separated)"
                mono
                defaultValue={rot.namingPatterns.join(", ")}
              />
            </div>
            <label className="mt-3 flex items-start gap-2 text-sm">
              <input
                type="checkbox"
                name="matchByHint"
                defaultChecked={rot.matchByHint}
                className="mt-0.5 h-4 w-4 accent-brand-600"
              />
              <span>
                Allow &ldquo;match by hint&rdquo; — Operators may read candidate secrets&apos; values (in memory,
                audited) to find which secret holds an app&apos;s client secret. Off: discovery and links never read a
                value.
              </span>
            </label>
          </SettingForm>
        ) : (
          <dl className="mt-3 space-y-3 text-sm">
            <Row k="Validity" v={`${rot.validityDays} days`} />
            <Row k="Overlap" v={`${rot.overlapHours} hours`} />
            <Row k="Naming patterns" v={rot.namingPatterns.join(", ") || "none"} mono />
            <Row k="Match by hint" v={rot.matchByHint ? "allowed (reads values, audited)" : "off"} />
          </dl>
        )}
      </section>
      <RotationAutoSection
        auto={st["rotation.auto"]}
        canWrite={canWrite}
        overrides={await listAppAutoOverrides({ ctx })}
      />
      <div className="grid gap-4 lg:grid-cols-2">
        <section className="card p-5" aria-labelledby="tenant-h">
          <h2 id="tenant-h" className="text-base font-semibold">
            Tenant
          </h2>
          <dl className="mt-3 space-y-3 text-sm">
            <Row k="Name" v={cfg.tenantDisplayName ?? "—"} />
            <Row k="Tenant id" v={cfg.auth.tenantId ?? "not configured"} mono />
            <Row k="Sign-in authority" v={cfg.auth.authorityHost} mono />
            <Row k="Azure cloud" v={cfg.azure.cloud} />
            <Row k="Database" v={cfg.database.url ? "PostgreSQL" : "Embedded (PGlite)"} />
          </dl>
        </section>
        <section className="card p-5" aria-labelledby="me-h">
          <h2 id="me-h" className="text-base font-semibold">
            Your identity
          </h2>
          <dl className="mt-3 space-y-3 text-sm">
            <Row k="Name" v={a.name} />
            <Row k="User principal name" v={a.upn} />
            <Row k="Object id" v={a.oid} mono />
            <Row k="Role" v={`${roleLabel(primaryRole(a.roles))} (${a.roles.join(", ")})`} />
          </dl>
        </section>
        <section className="card p-5" aria-labelledby="sess-h">
          <h2 id="sess-h" className="text-base font-semibold">
            Sessions and sign-in protection
          </h2>
          <dl className="mt-3 space-y-3 text-sm">
            <Row k="Absolute session lifetime" v={`${Math.round(cfg.auth.sessionMaxAgeSeconds / 60)} minutes`} />
            <Row k="Idle timeout" v={`${Math.round(cfg.auth.sessionIdleTimeoutSeconds / 60)} minutes`} />
            <Row
              k="Sign-in rate limit"
              v={`${cfg.auth.signinRateLimit.max} attempts per ${cfg.auth.signinRateLimit.windowSeconds} s per address, then locked for ${cfg.auth.signinRateLimit.lockoutSeconds} s`}
            />
          </dl>
          {canManageSessions && (
            <Link href="/settings/sessions" className="btn-secondary mt-4" data-testid="manage-sessions">
              Manage active sessions →
            </Link>
          )}
        </section>
        <PermissionGrid />
      </div>
    </>
  );
}

function Row({ k, v, mono }: { k: string; v: string; mono?: boolean }) {
  return (
    <div className="grid grid-cols-3 gap-2">
      <dt className="text-muted">{k}</dt>
      <dd className={`col-span-2 ${mono ? "break-all font-mono text-xs leading-5" : "break-words"}`}>{v}</dd>
    </div>
  );
}

import { Link } from "@/app/_components/link";
import { notFound } from "next/navigation";
import { PageHeader } from "@/app/_components/page-header";
import { rolesGrant } from "@/lib/auth/permissions";
import { ruleById } from "@/lib/compliance/catalogue";
import { FRAMEWORKS } from "@/lib/compliance/frameworks";
import { ruleFindings } from "@/lib/compliance/read-findings";
import { ruleSettings } from "@/lib/compliance/rule-settings";
import { requirePage } from "@/lib/web/page-guard";
import { ComplianceNav } from "../../_components/compliance-nav";
import { SeverityBadge } from "../../_components/score";

export const metadata = { title: "Compliance rule" };

export default async function RulePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const ctx = await requirePage("dashboard:read", `/compliance/rules/${encodeURIComponent(id)}`);
  const rule = ruleById(id);
  if (!rule) notFound();
  const setting = (await ruleSettings(ctx)).find((s) => s.rule.id === id)!;
  const affected = await ruleFindings(ctx, id);
  const mappings = FRAMEWORKS.flatMap((f) =>
    f.controls.filter((c) => c.rules.includes(id)).map((c) => ({ framework: `${f.name} ${f.version}`, ...c })),
  );
  const canPropose = rolesGrant(ctx.actor.roles, "waivers:propose");
  return (
    <>
      <PageHeader
        title={rule.title}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <SeverityBadge severity={rule.severity} />
            <span className="font-mono text-xs">{rule.id}</span>
            <span>· scope: {rule.scope}</span>
            <span>· {setting.enabled ? "enabled" : "disabled"}</span>
          </span>
        }
        actions={
          canPropose && (
            <Link className="btn-secondary" href={`/compliance/waivers?rule=${rule.id}#propose`}>
              Propose a waiver
            </Link>
          )
        }
      />
      <ComplianceNav current="/compliance/rules" />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <section className="card p-5">
            <h2 className="text-sm font-semibold">Why it matters</h2>
            <p className="mt-2 text-sm">{rule.why}</p>
            <h2 className="mt-4 text-sm font-semibold">What is checked</h2>
            <p className="mt-2 text-sm">{rule.interpretation}</p>
          </section>
          <section className="card p-5" data-testid="remediation">
            <h2 className="text-sm font-semibold">How to fix</h2>
            <h3 className="mt-3 text-xs font-semibold uppercase tracking-wide text-muted">Azure portal</h3>
            <ol className="mt-1 list-decimal space-y-1 pl-5 text-sm">
              {rule.remediation.portal.map((s, i) => (
                <li key={i}>{s}</li>
              ))}
            </ol>
            <h3 className="mt-4 text-xs font-semibold uppercase tracking-wide text-muted">Azure CLI</h3>
            {/* focusable so keyboard users can scroll a long command (axe: scrollable-region-focusable) */}
            <pre
              role="region"
              aria-label="Azure CLI command"
              tabIndex={0}
              className="mt-1 overflow-x-auto rounded-md bg-slate-100 p-3 text-xs dark:bg-slate-900"
            >
              <code>{rule.remediation.cli}</code>
            </pre>
          </section>
          <section className="card p-5" data-testid="affected">
            <h2 className="text-sm font-semibold">Affected objects</h2>
            <p className="mt-1 text-sm text-muted">
              {affected.open} open · {affected.waived} waived · {affected.unknown} cannot be decided ·{" "}
              <Link className="link" href={`/compliance/findings?rule=${rule.id}`}>
                all findings of this rule
              </Link>
            </p>
            <table className="table mt-3">
              <caption className="sr-only">Objects this rule currently flags</caption>
              <thead>
                <tr>
                  <th scope="col">Object</th>
                  <th scope="col">Vault</th>
                  <th scope="col">Status</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {affected.rows.length === 0 && (
                  <tr>
                    <td colSpan={4} className="py-6 text-center text-muted">
                      Nothing flagged.
                    </td>
                  </tr>
                )}
                {affected.rows.map((f) => (
                  <tr key={f.objectId}>
                    <td className="text-sm">{f.objectName}</td>
                    <td className="text-xs">{f.vaultName ?? "—"}</td>
                    <td className="text-xs">
                      {f.status === "unknown" ? "Cannot be decided" : f.waiverId ? "Waived" : "Open"}
                    </td>
                    <td className="text-xs">{f.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
        <aside className="space-y-6">
          <section className="card p-5">
            <h2 className="text-sm font-semibold">Parameters in force</h2>
            {Object.keys(setting.params).length === 0 ? (
              <p className="mt-2 text-sm text-muted">None.</p>
            ) : (
              <dl className="mt-2 space-y-1 text-sm">
                {Object.entries(setting.params).map(([k, v]) => (
                  <div key={k} className="flex justify-between gap-3">
                    <dt className="font-mono text-xs">{k}</dt>
                    <dd className="text-right text-xs">{Array.isArray(v) ? v.join(", ") || "(none)" : String(v)}</dd>
                  </div>
                ))}
              </dl>
            )}
            <p className="mt-3 text-xs text-muted">
              Admins change them in{" "}
              <Link className="link" href="/settings/compliance">
                Settings → Compliance
              </Link>
              .
            </p>
          </section>
          <section className="card p-5">
            <h2 className="text-sm font-semibold">References</h2>
            <dl className="mt-2 space-y-1 text-xs">
              <div>
                <dt className="inline text-muted">Azure Policy definition: </dt>
                <dd className="inline font-mono">{rule.references.azurePolicy ?? "none (our rule)"}</dd>
              </div>
              <div>
                <dt className="inline text-muted">CIS Azure 6.0: </dt>
                <dd className="inline">{rule.references.cis?.join(", ") ?? "—"}</dd>
              </div>
              <div>
                <dt className="inline text-muted">MCSB: </dt>
                <dd className="inline">{rule.references.mcsb?.join(", ") ?? "—"}</dd>
              </div>
            </dl>
          </section>
          <section className="card p-5">
            <h2 className="text-sm font-semibold">Framework controls</h2>
            <ul className="mt-2 space-y-1 text-xs">
              {mappings.map((m) => (
                <li key={`${m.framework}${m.id}`}>
                  <span className="font-semibold">{m.framework}</span> <span className="font-mono">{m.id}</span> (
                  {m.coverage})
                </li>
              ))}
            </ul>
          </section>
        </aside>
      </div>
    </>
  );
}

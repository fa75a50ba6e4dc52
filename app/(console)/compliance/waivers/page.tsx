import { formatDate, formatDateTime } from "@/app/_components/format";
import { PageHeader } from "@/app/_components/page-header";
import { rolesGrant } from "@/lib/auth/permissions";
import { RULES } from "@/lib/compliance/catalogue";
import { complianceOverview } from "@/lib/compliance/read-overview";
import { listWaivers, type WaiverState } from "@/lib/compliance/read-waivers";
import { requirePage } from "@/lib/web/page-guard";
import { ComplianceNav } from "../_components/compliance-nav";
import { DecideButtons, ProposeWaiverForm } from "../_components/waiver-controls";

export const metadata = { title: "Compliance waivers" };

const STATE: Record<WaiverState, { label: string; cls: string }> = {
  proposed: { label: "Proposed", cls: "bg-blue-100 text-blue-900 dark:bg-blue-400/20 dark:text-blue-100" },
  approved: { label: "Approved", cls: "bg-emerald-100 text-emerald-900 dark:bg-emerald-400/20 dark:text-emerald-100" },
  rejected: { label: "Rejected", cls: "bg-red-100 text-red-900 dark:bg-red-400/20 dark:text-red-100" },
  expired: { label: "Expired", cls: "bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100" },
};
const SCOPE: Record<string, string> = {
  tenant: "Tenant",
  subscription: "Subscription",
  vault: "Vault",
  object: "Object",
};

export default async function WaiversPage({ searchParams }: { searchParams: Promise<{ rule?: string }> }) {
  const ctx = await requirePage("dashboard:read", "/compliance/waivers");
  const { rule } = await searchParams;
  const waivers = await listWaivers({ ctx });
  const canPropose = rolesGrant(ctx.actor.roles, "waivers:propose");
  const canDecide = rolesGrant(ctx.actor.roles, "waivers:decide");
  const me = ctx.actor.oid;
  const overview = canPropose ? await complianceOverview({ ctx }) : null;
  return (
    <>
      <PageHeader
        title="Waivers"
        description="Exceptions to a rule, each with a justification and an expiry. An Operator proposes, an Admin other than the proposer decides (four eyes). Waived failures stay listed but leave the score; an expired waiver stops applying by itself."
      />
      <ComplianceNav current="/compliance/waivers" />
      {canPropose && (
        <section className="mb-6">
          <h2 className="mb-2 text-sm font-semibold">Propose a waiver</h2>
          <ProposeWaiverForm
            rule={typeof rule === "string" ? rule : undefined}
            rules={RULES.map((r) => ({ value: r.id, label: `${r.id} — ${r.title}` }))}
            subscriptions={(overview?.bySubscription ?? []).map((s) => ({ value: s.id, label: s.name }))}
            vaults={(overview?.byVault ?? [])
              .slice()
              .sort((a, b) => a.name.localeCompare(b.name))
              .map((v) => ({ value: v.id, label: v.name }))}
          />
        </section>
      )}
      <div role="region" aria-label="Waivers" tabIndex={0} className="card overflow-x-auto">
        <table className="table" data-testid="waivers-table">
          <caption className="sr-only">Waivers</caption>
          <thead>
            <tr>
              <th scope="col">State</th>
              <th scope="col">Rule</th>
              <th scope="col">Applies to</th>
              <th scope="col">Justification</th>
              <th scope="col">Proposed</th>
              <th scope="col">Decided</th>
              <th scope="col">Expires</th>
              {canDecide && (
                <th scope="col" className="text-right">
                  Decision
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {waivers.length === 0 && (
              <tr>
                <td colSpan={8} className="py-8 text-center text-muted">
                  No waivers yet.
                </td>
              </tr>
            )}
            {waivers.map((w) => (
              <tr key={w.id} data-testid="waiver-row" data-state={w.state}>
                <td>
                  <span className={`rounded px-1.5 py-0.5 text-[11px] font-semibold ${STATE[w.state].cls}`}>
                    {STATE[w.state].label}
                  </span>
                </td>
                <td className="whitespace-nowrap font-mono text-xs">{w.ruleId}</td>
                <td className="min-w-40 max-w-56 text-xs">
                  <span className="text-muted">{SCOPE[w.scopeType]}:</span> {w.scopeLabel}
                </td>
                <td className="max-w-80 text-xs">{w.justification}</td>
                <td className="whitespace-nowrap text-xs">
                  {w.proposedByName}
                  <div className="text-muted">{formatDateTime(w.proposedAt)}</div>
                </td>
                <td className="whitespace-nowrap text-xs">
                  {w.decidedByName ?? "—"}
                  {w.decidedAt && <div className="text-muted">{formatDateTime(w.decidedAt)}</div>}
                  {w.decisionNote && <div className="text-muted">“{w.decisionNote}”</div>}
                </td>
                <td className="whitespace-nowrap text-xs tabular-nums">{formatDate(w.expiresAt)}</td>
                {canDecide && (
                  <td className="min-w-44 text-right">
                    {w.state === "proposed" &&
                      (w.proposedBy === me ? (
                        <span className="text-xs text-muted">Your proposal: another Admin decides</span>
                      ) : (
                        <DecideButtons waiverId={w.id} />
                      ))}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

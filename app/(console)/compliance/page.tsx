import { Link } from "@/app/_components/link";
import { formatDateTime } from "@/app/_components/format";
import { PageHeader } from "@/app/_components/page-header";
import { EmptyState } from "@/app/_components/status";
import { complianceOverview } from "@/lib/compliance/read-overview";
import { requirePage } from "@/lib/web/page-guard";
import { ComplianceNav } from "./_components/compliance-nav";
import { FrameworkPanel } from "./_components/framework-panel";
import { ScoreBar, ScoreFormula, ScoreValue, SeverityBadge } from "./_components/score";
import { ScoreTrend } from "./_components/score-trend";

export const metadata = { title: "Compliance" };

const SEVERITIES = ["critical", "high", "medium", "low"] as const;
const vaultHref = (id: string) => `/compliance/findings?vault=${encodeURIComponent(id)}`;

export default async function CompliancePage({ searchParams }: { searchParams: Promise<{ framework?: string }> }) {
  const ctx = await requirePage("dashboard:read", "/compliance");
  const { framework } = await searchParams;
  const o = await complianceOverview({
    ctx,
    input: { framework: typeof framework === "string" ? framework.slice(0, 40) : undefined },
  });
  return (
    <>
      <PageHeader
        title="Compliance"
        description="Azure Policy–exact rules over the inventory, scored by severity and mapped to the frameworks you are audited against. Evaluated after every scan."
      />
      <ComplianceNav current="/compliance" />
      {!o ? (
        <EmptyState title="Not evaluated yet" testId="compliance-empty">
          The first evaluation runs when a scan finishes.
        </EmptyState>
      ) : (
        <div className="space-y-6">
          <section className="grid gap-6 lg:grid-cols-3">
            <div className="card p-5" data-testid="tenant-score">
              <h2 className="text-sm font-semibold text-muted">Tenant score</h2>
              <div className="mt-2 flex items-baseline gap-2">
                <ScoreValue score={o.snapshot.score} className="text-5xl" />
                <span className="text-sm text-muted">/ 100</span>
              </div>
              {o.snapshot.delta !== null && (
                <p className="mt-1 text-sm tabular-nums text-muted">
                  {o.snapshot.delta >= 0 ? "+" : "\u2212"}
                  {Math.abs(o.snapshot.delta).toFixed(1)} since the previous evaluation
                </p>
              )}
              <p className="mt-2 text-xs text-muted">
                Evaluated {formatDateTime(o.snapshot.takenAt)} ({o.snapshot.mode}, {o.snapshot.objectsEvaluated}{" "}
                objects)
              </p>
              <div className="mt-4">
                <ScoreFormula />
              </div>
            </div>
            <div className="card p-5 lg:col-span-2">
              <h2 className="text-sm font-semibold">Trend</h2>
              <ScoreTrend data={o.trend.map((p) => ({ ...p, takenAt: p.takenAt.toISOString() }))} />
              {o.trend.some((p) => p.trigger === "demo") && (
                <p className="mt-1 text-xs text-muted">
                  Points marked “demo history” were seeded by the demo, not measured.
                </p>
              )}
            </div>
          </section>

          <section className="card p-5" data-testid="explanations">
            <h2 className="text-sm font-semibold">What changed in the last evaluation</h2>
            {o.snapshot.explanations.length === 0 ? (
              <p className="mt-2 text-sm text-muted">No finding changed state.</p>
            ) : (
              <ul className="mt-2 space-y-1 text-sm">
                {o.snapshot.explanations.slice(0, 12).map((e, i) => (
                  <li
                    key={i}
                    className={
                      e.points < 0
                        ? "text-red-700 dark:text-red-300"
                        : e.points > 0
                          ? "text-emerald-700 dark:text-emerald-300"
                          : ""
                    }
                  >
                    {e.text}
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section className="grid gap-6 lg:grid-cols-2 2xl:grid-cols-3">
            <div className="card p-5">
              <h2 className="text-sm font-semibold">By severity</h2>
              <table className="table mt-2 [&_td]:px-2 [&_th]:px-2" data-testid="severity-breakdown">
                <caption className="sr-only">Findings by severity</caption>
                <thead>
                  <tr>
                    <th scope="col">Severity</th>
                    <th scope="col" className="text-right">
                      Open
                    </th>
                    <th scope="col" className="text-right">
                      Waived
                    </th>
                    <th scope="col" className="text-right">
                      Passing
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {SEVERITIES.map((s) => (
                    <tr key={s}>
                      <td>
                        <SeverityBadge severity={s} />
                      </td>
                      <td className="text-right tabular-nums">
                        <Link className="link" href={`/compliance/findings?severity=${s}`}>
                          {o.bySeverity[s]?.fail ?? 0}
                        </Link>
                      </td>
                      <td className="text-right tabular-nums">{o.bySeverity[s]?.waived ?? 0}</td>
                      <td className="text-right tabular-nums">{o.bySeverity[s]?.pass ?? 0}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <ScoreList
              title="By subscription"
              rows={o.bySubscription}
              href={(id) => `/compliance/findings?subscription=${id}`}
            />
            <ScoreList title="By vault (lowest first)" rows={o.byVault} href={vaultHref} limit={12} />
          </section>

          <FrameworkPanel frameworks={o.frameworks} framework={o.framework} />
        </div>
      )}
    </>
  );
}

function ScoreList({
  title,
  rows,
  href,
  limit = 50,
}: {
  title: string;
  rows: { id: string; name: string; score: number | null }[];
  href: (id: string) => string;
  limit?: number;
}) {
  return (
    <div className="card p-5">
      <h2 className="text-sm font-semibold">{title}</h2>
      <table className="table mt-2 [&_td]:px-2 [&_th]:px-2">
        <caption className="sr-only">{title}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Score</th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, limit).map((r) => (
            <tr key={r.id}>
              <td className="max-w-48 truncate">
                <Link className="link" href={href(r.id)}>
                  {r.name}
                </Link>
              </td>
              <td>
                <ScoreBar score={r.score} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > limit && <p className="mt-2 text-xs text-muted">and {rows.length - limit} more</p>}
    </div>
  );
}

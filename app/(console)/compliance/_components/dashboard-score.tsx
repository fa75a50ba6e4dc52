import { Link } from "@/app/_components/link";
import { ScoreValue } from "./score";
import { ScoreTrend, type TrendPoint } from "./score-trend";

/** The dashboard's compliance card: the tenant score, its last change and its trend. */
export function DashboardScore({ trend }: { trend: TrendPoint[] }) {
  const last = trend.at(-1);
  return (
    <section
      className="card mt-4 grid gap-4 p-5 lg:grid-cols-4"
      aria-labelledby="compliance-h"
      data-testid="dashboard-compliance"
    >
      <div>
        <h2 id="compliance-h" className="text-base font-semibold">
          Compliance score
        </h2>
        {last ? (
          <>
            <div className="mt-2 flex items-baseline gap-2">
              <ScoreValue score={last.score} className="text-4xl" />
              <span className="text-sm text-muted">/ 100</span>
            </div>
            {last.delta !== null && (
              <p className="mt-1 text-xs tabular-nums text-muted">
                {last.delta >= 0 ? "+" : "\u2212"}
                {Math.abs(last.delta).toFixed(1)} at the last evaluation
              </p>
            )}
          </>
        ) : (
          <p className="mt-2 text-sm text-muted">Evaluated after the next scan.</p>
        )}
        <Link href="/compliance" className="link mt-3 inline-block text-sm">
          Open compliance →
        </Link>
      </div>
      <div className="lg:col-span-3">{trend.length > 0 && <ScoreTrend data={trend} height="h-40" />}</div>
    </section>
  );
}

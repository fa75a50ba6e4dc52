"use client";

import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface TrendPoint {
  takenAt: string;
  score: number | null;
  trigger: string;
  delta: number | null;
}

const TRIGGER: Record<string, string> = {
  scan: "after a scan",
  refresh: "time-driven refresh",
  waiver: "waiver decision",
  settings: "rule settings",
  manual: "re-evaluation",
  demo: "demo history (seeded)",
};

const fmt = (s: number | null) => (s === null ? "no score" : s.toFixed(1));

function Tip({ active, payload }: { active?: boolean; payload?: { payload: TrendPoint }[] }) {
  if (!active || !payload?.length) return null;
  const p = payload[0].payload;
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-3 py-2 text-xs shadow-lg dark:border-slate-700 dark:bg-slate-900">
      <div className="font-semibold text-slate-900 dark:text-slate-100">
        {p.takenAt.slice(0, 16).replace("T", " ")} UTC
      </div>
      <div className="text-slate-600 dark:text-slate-300">
        Score <span className="font-semibold tabular-nums">{fmt(p.score)}</span>
        {p.delta !== null && p.delta !== 0 && (
          <span className="tabular-nums">
            {" "}
            ({p.delta > 0 ? "+" : "\u2212"}
            {Math.abs(p.delta).toFixed(1)})
          </span>
        )}
      </div>
      <div className="text-muted">{TRIGGER[p.trigger] ?? p.trigger}</div>
    </div>
  );
}

/**
 * The tenant score over the last evaluations. The chart is an image with a summary for assistive technology; the
 * full series is in the table under it ("Data points"), so nothing is only visible as a line.
 */
export function ScoreTrend({ data, height = "h-56" }: { data: TrendPoint[]; height?: string }) {
  const scored = data.filter((d) => d.score !== null);
  const first = scored[0]?.score ?? null;
  const last = scored.at(-1)?.score ?? null;
  const summary =
    scored.length < 2
      ? `Compliance score trend: ${scored.length} evaluation${scored.length === 1 ? "" : "s"} so far, latest ${fmt(last)}.`
      : `Compliance score trend over ${scored.length} evaluations: from ${fmt(first)} to ${fmt(last)}.`;
  return (
    <figure>
      <div className={`${height} w-full text-muted`} role="img" aria-label={summary} data-testid="score-trend">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 8, right: 12, left: -20, bottom: 0 }}>
            <CartesianGrid vertical={false} stroke="currentColor" strokeOpacity={0.15} />
            <XAxis
              dataKey="takenAt"
              tickFormatter={(v: string) => v.slice(5, 10)}
              tick={{ fill: "currentColor", fontSize: 11 }}
              tickLine={false}
              axisLine={{ stroke: "currentColor", strokeOpacity: 0.3 }}
              minTickGap={16}
            />
            <YAxis
              domain={[0, 100]}
              ticks={[0, 25, 50, 75, 100]}
              tick={{ fill: "currentColor", fontSize: 11 }}
              tickLine={false}
              axisLine={false}
            />
            <Tooltip content={<Tip />} cursor={{ stroke: "currentColor", strokeOpacity: 0.3 }} />
            <Line
              type="monotone"
              dataKey="score"
              stroke="#2563eb"
              strokeWidth={2}
              dot={{ r: 3, fill: "#2563eb", strokeWidth: 0 }}
              connectNulls
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="sr-only">{summary}</figcaption>
      <details className="mt-2 text-xs">
        <summary className="cursor-pointer text-muted">Data points ({data.length})</summary>
        <table className="table mt-2">
          <caption className="sr-only">Compliance score per evaluation</caption>
          <thead>
            <tr>
              <th scope="col">Evaluated (UTC)</th>
              <th scope="col">Score</th>
              <th scope="col">Change</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {[...data].reverse().map((p) => (
              <tr key={p.takenAt}>
                <td className="tabular-nums">{p.takenAt.slice(0, 16).replace("T", " ")}</td>
                <td className="tabular-nums">{fmt(p.score)}</td>
                <td className="tabular-nums">{p.delta === null ? "—" : p.delta.toFixed(1)}</td>
                <td>{TRIGGER[p.trigger] ?? p.trigger}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

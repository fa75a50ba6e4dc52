"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface TimelineBucket {
  label: string;
  start: string;
  end: string;
  secret: number;
  certificate: number;
  key: number;
  credential: number;
}

export const TYPE_COLOR = { secret: "#2563eb", certificate: "#7c3aed", key: "#0d9488", credential: "#db2777" } as const;
const SERIES = [
  { key: "secret", name: "Secrets" },
  { key: "certificate", name: "Certificates" },
  { key: "key", name: "Keys" },
  { key: "credential", name: "App credentials" },
] as const;

function TipContent({ active, payload }: { active?: boolean; payload?: { payload: TimelineBucket }[] }) {
  if (!active || !payload?.length) return null;
  const b = payload[0].payload;
  const total = b.secret + b.certificate + b.key + b.credential;
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-3 py-2 text-xs shadow-lg dark:border-slate-700 dark:bg-slate-900">
      <div className="mb-1 font-semibold text-slate-900 dark:text-slate-100">
        {b.start.slice(0, 10)} → {b.end.slice(0, 10)} (UTC)
      </div>
      {SERIES.map((s) => (
        <div key={s.key} className="flex items-center justify-between gap-4 text-slate-600 dark:text-slate-300">
          <span className="flex items-center gap-1.5">
            <span className="h-2 w-2 rounded-sm" style={{ backgroundColor: TYPE_COLOR[s.key] }} />
            {s.name}
          </span>
          <span className="font-medium tabular-nums">{b[s.key]}</span>
        </div>
      ))}
      <div className="mt-1 flex justify-between border-t border-slate-100 pt-1 font-semibold dark:border-slate-800">
        <span>Total</span>
        <span className="tabular-nums">{total}</span>
      </div>
    </div>
  );
}

/** Objects and app credentials expiring in the coming weeks, stacked by type. */
export function ExpiryTimeline({ data }: { data: TimelineBucket[] }) {
  const total = data.reduce((s, b) => s + b.secret + b.certificate + b.key + b.credential, 0);
  return (
    <div
      className="h-72 w-full text-muted"
      data-testid="expiry-timeline"
      role="img"
      aria-label={`Expiry timeline: ${total} objects and credentials expire in the next ${data.length} weeks`}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, left: -16, bottom: 0 }}>
          <CartesianGrid vertical={false} stroke="currentColor" strokeOpacity={0.15} />
          <XAxis
            dataKey="label"
            tick={{ fill: "currentColor", fontSize: 11 }}
            tickLine={false}
            axisLine={{ stroke: "currentColor", strokeOpacity: 0.3 }}
            interval="preserveStartEnd"
            minTickGap={6}
          />
          <YAxis
            allowDecimals={false}
            tick={{ fill: "currentColor", fontSize: 11 }}
            tickLine={false}
            axisLine={false}
          />
          <Tooltip content={<TipContent />} cursor={{ fill: "currentColor", fillOpacity: 0.08 }} />
          <Legend iconType="square" iconSize={10} wrapperStyle={{ fontSize: 12 }} />
          {SERIES.map((s, i) => (
            <Bar
              key={s.key}
              dataKey={s.key}
              name={s.name}
              stackId="t"
              fill={TYPE_COLOR[s.key]}
              radius={i === SERIES.length - 1 ? [3, 3, 0, 0] : 0}
              maxBarSize={40}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

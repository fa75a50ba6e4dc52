import { Link } from "@/app/_components/link";
import type { ControlState } from "@/lib/compliance/tallies";
import { ScoreValue } from "./score";

const COVERAGE: Record<string, { label: string; title: string; cls: string }> = {
  direct: {
    label: "Direct",
    title: "The rules test what the control asks",
    cls: "bg-blue-100 text-blue-900 dark:bg-blue-400/20 dark:text-blue-100",
  },
  supporting: {
    label: "Supporting",
    title: "The rules give evidence for part of the control",
    cls: "bg-violet-100 text-violet-900 dark:bg-violet-400/20 dark:text-violet-100",
  },
  customer: {
    label: "Customer",
    title: "A customer responsibility the product cannot assess (never scored)",
    cls: "bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100",
  },
};
const STATUS: Record<string, { label: string; cls: string }> = {
  pass: { label: "Pass", cls: "text-emerald-700 dark:text-emerald-300" },
  fail: { label: "Fail", cls: "text-red-700 dark:text-red-300" },
  notAssessed: { label: "Not assessed", cls: "text-muted" },
  customer: { label: "Customer responsibility", cls: "text-muted" },
};

export function FrameworkPanel({
  frameworks,
  framework,
}: {
  frameworks: { id: string; name: string; version: string; score: number | null }[];
  framework: { id: string; name: string; version: string; source: string; controls: ControlState[] };
}) {
  return (
    <section className="card p-5" data-testid="frameworks">
      <h2 className="text-sm font-semibold">Frameworks</h2>
      <nav aria-label="Frameworks" className="mt-3 flex flex-wrap gap-2">
        {frameworks.map((f) => (
          <Link
            key={f.id}
            href={`/compliance?framework=${f.id}#frameworks`}
            aria-current={f.id === framework.id ? "true" : undefined}
            className={`rounded-md border px-3 py-1.5 text-xs ${
              f.id === framework.id
                ? "border-blue-600 bg-blue-50 font-semibold dark:bg-blue-400/10"
                : "border-slate-200 hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800"
            }`}
          >
            {f.name} {f.version} · <ScoreValue score={f.score} />
          </Link>
        ))}
      </nav>
      <p className="mt-3 text-xs text-muted">Control ids: {framework.source}.</p>
      <table className="table mt-3" data-testid="framework-controls">
        <caption className="sr-only">
          {framework.name} {framework.version}: status per control
        </caption>
        <thead>
          <tr>
            <th scope="col">Control</th>
            <th scope="col">Coverage</th>
            <th scope="col">Status</th>
            <th scope="col" className="text-right">
              Score
            </th>
            <th scope="col" className="text-right">
              Failing
            </th>
            <th scope="col">Rules</th>
          </tr>
        </thead>
        <tbody>
          {framework.controls.map((c) => (
            <tr key={c.id}>
              <td>
                <span className="font-mono text-xs font-semibold">{c.id}</span>
                <div className="text-xs text-muted">{c.title}</div>
              </td>
              <td>
                <span
                  title={COVERAGE[c.coverage]?.title}
                  className={`rounded px-1.5 py-0.5 text-[11px] font-medium ${COVERAGE[c.coverage]?.cls}`}
                >
                  {COVERAGE[c.coverage]?.label ?? c.coverage}
                </span>
              </td>
              <td className={`text-sm font-medium ${STATUS[c.status].cls}`}>{STATUS[c.status].label}</td>
              <td className="text-right">
                <ScoreValue score={c.score} className="text-sm" />
              </td>
              <td className="text-right tabular-nums">{c.coverage === "customer" ? "—" : c.failing}</td>
              <td className="text-xs">
                {c.rules.map((r) => (
                  <Link key={r} className="link mr-2 font-mono" href={`/compliance/rules/${r}`}>
                    {r}
                  </Link>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

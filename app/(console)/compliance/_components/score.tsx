/** Score display shared by the compliance pages and the dashboard: the number, a band colour and a bar. */

export function scoreBand(s: number | null): "good" | "fair" | "poor" | "none" {
  if (s === null) return "none";
  return s >= 80 ? "good" : s >= 60 ? "fair" : "poor";
}

const TEXT = {
  good: "text-emerald-700 dark:text-emerald-300",
  fair: "text-amber-700 dark:text-amber-300",
  poor: "text-red-700 dark:text-red-300",
  none: "text-muted",
};
const BAR = { good: "bg-emerald-600", fair: "bg-amber-500", poor: "bg-red-600", none: "bg-slate-300" };

export function formatScore(s: number | null): string {
  return s === null ? "—" : s.toFixed(1);
}

export function ScoreValue({ score, className = "" }: { score: number | null; className?: string }) {
  return (
    <span className={`tabular-nums font-semibold ${TEXT[scoreBand(score)]} ${className}`}>{formatScore(score)}</span>
  );
}

/** A horizontal bar with the score written next to it (the number is the text alternative). */
export function ScoreBar({ score }: { score: number | null }) {
  return (
    <div className="flex items-center gap-2">
      <div className="h-2 w-20 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800" aria-hidden="true">
        <div
          className={`h-full ${BAR[scoreBand(score)]}`}
          style={{ width: `${Math.max(0, Math.min(100, score ?? 0))}%` }}
        />
      </div>
      <ScoreValue score={score} className="text-sm" />
    </div>
  );
}

export const SEVERITY_STYLE: Record<string, string> = {
  critical: "bg-red-700 text-white",
  high: "bg-orange-700 text-white",
  medium: "bg-amber-200 text-amber-950 dark:bg-amber-400/25 dark:text-amber-100",
  low: "bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100",
};

export function SeverityBadge({ severity }: { severity: string }) {
  return (
    <span
      className={`inline-flex rounded px-1.5 py-0.5 text-[11px] font-semibold uppercase tracking-wide ${SEVERITY_STYLE[severity] ?? ""}`}
    >
      {severity}
    </span>
  );
}

/** The formula as shown to users (docs/compliance.md says the same). */
export function ScoreFormula() {
  return (
    <details className="text-xs text-muted" data-testid="score-formula">
      <summary className="cursor-pointer">How the score is computed</summary>
      <div className="mt-2 space-y-1">
        <p className="font-mono text-[12px] text-slate-800 dark:text-slate-200">
          score = 100 × Σ<sub>r</sub> w(r) × passing<sub>r</sub> / evaluated<sub>r</sub> ÷ Σ<sub>r</sub> w(r)
        </p>
        <p>
          Over the rules r with at least one evaluated finding in the scope (tenant, subscription, vault, object or a
          framework&apos;s rules). Severity weights w: critical 10, high 5, medium 3, low 1. Evaluated means pass or
          fail and not waived; findings that cannot be decided or do not apply are left out. Each rule weighs the same
          whatever the number of objects it covers. A scope with nothing evaluated has no score.
        </p>
      </div>
    </details>
  );
}

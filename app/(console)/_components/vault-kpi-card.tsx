import { Link } from "@/app/_components/link";
import { formatNumber } from "@/app/_components/format";
import type { DashboardViewData } from "@/lib/inventory/dashboard-view";
import { POSTURE_GAP_LABEL } from "./posture-labels";

/** The vault card: how many vaults, and how many the scanner could not read or that miss a posture control. */
export function VaultKpiCard({ vaults: v }: { vaults: DashboardViewData["vaults"] }) {
  return (
    <section className="card p-4 sm:col-span-2 xl:col-span-1" aria-labelledby="kpi-vaults" data-testid="kpi-vaults">
      <h2 id="kpi-vaults" className="flex items-center gap-2 text-sm font-semibold text-slate-700 dark:text-slate-200">
        <svg
          viewBox="0 0 20 20"
          className="h-4 w-4 text-slate-400"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.5"
          aria-hidden="true"
        >
          <rect x="3" y="3" width="14" height="14" rx="2" />
          <circle cx="10" cy="10" r="3" />
        </svg>
        Vaults
      </h2>
      <div className="mt-1 text-3xl font-semibold tabular-nums" data-testid="kpi-vaults-total">
        {formatNumber(v.total)}
      </div>
      <ul className="mt-3 space-y-1 text-xs">
        <PostureRow label="Not readable" n={v.unreachable} href="/vaults?access=unreadable" tone="critical" />
        <GapRow gap="public-network" n={v.publicNetwork} />
        <GapRow gap="no-purge-protection" n={v.noPurgeProtection} />
        <GapRow gap="access-policies" n={v.accessPolicies} />
        <GapRow gap="no-diagnostics" n={v.noDiagnostics} />
      </ul>
    </section>
  );
}

/** A posture gap, worded and linked as the vault list's posture filter. */
function GapRow({ gap, n }: { gap: keyof typeof POSTURE_GAP_LABEL; n: number }) {
  return <PostureRow label={POSTURE_GAP_LABEL[gap]} n={n} href={`/vaults?posture=${gap}`} tone="warning" />;
}

function PostureRow({
  label,
  n,
  href,
  tone,
}: {
  label: string;
  n: number;
  href: string;
  tone: "critical" | "warning";
}) {
  const color =
    n === 0
      ? "text-slate-400"
      : tone === "critical"
        ? "text-orange-700 dark:text-orange-300"
        : "text-amber-700 dark:text-amber-300";
  return (
    <li>
      <Link
        href={href}
        className="flex items-center justify-between rounded px-1 py-0.5 hover:bg-slate-100 dark:hover:bg-slate-800"
      >
        <span className="text-slate-600 dark:text-slate-400">{label}</span>
        <span className={`font-semibold tabular-nums ${color}`}>{n}</span>
      </Link>
    </li>
  );
}

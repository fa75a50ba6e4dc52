import { formatDateTime, formatDuration, formatNumber } from "@/app/_components/format";
import { PageHeader } from "@/app/_components/page-header";
import { ScanStatusBadge } from "@/app/_components/status";
import { rolesGrant } from "@/lib/auth/permissions";
import { inventoryFacets } from "@/lib/inventory/list-assets";
import { scanHistory, toProgress } from "@/lib/discovery";
import { requirePage } from "@/lib/web/page-guard";
import { LiveScan } from "./_components/live-scan";
import { StartScanForm } from "./_components/start-scan-form";

export const metadata = { title: "Scans" };

type Search = Record<string, string | string[] | undefined>;

export default async function ScansPage({ searchParams }: { searchParams: Promise<Search> }) {
  const ctx = await requirePage("dashboard:read", "/scans");
  const sp = await searchParams;
  const page = typeof sp.page === "string" && /^\d{1,6}$/.test(sp.page) && Number(sp.page) > 0 ? Number(sp.page) : 1;
  const canScan = rolesGrant(ctx.actor.roles, "scan:run");
  const now = new Date();
  const [history, facets] = await Promise.all([
    scanHistory({ ctx, input: { page, pageSize: 25 } }),
    canScan ? inventoryFacets({ ctx, input: { limit: 2000 } }) : null,
  ]);
  const active = history.rows
    .filter((r) => r.status === "queued" || r.status === "running")
    .map((r) => toProgress(r, now));
  // The latest scan stays on top (live while it runs, its outcome afterwards) so a finished run does not vanish.
  const shown =
    page === 1 && history.rows[0] && !active.some((a) => a.id === history.rows[0].id)
      ? [toProgress(history.rows[0], now), ...active]
      : active;
  const pages = Math.max(1, Math.ceil(history.total / history.pageSize));

  return (
    <>
      <PageHeader
        title="Scans"
        description={
          canScan
            ? "Discover subscriptions, vaults, objects and app registrations. Scans run in the background; progress updates live."
            : "Discovery history. Starting and cancelling scans needs the Operator role."
        }
      />
      <div className="space-y-4">
        {shown.map((p) => (
          <LiveScan key={p.id} initial={p} canCancel={canScan} compact />
        ))}
        {canScan && facets && (
          <StartScanForm
            subscriptions={facets.subscriptions}
            vaults={facets.vaults}
            disabledReason={active.length ? "A scan is already queued or running." : undefined}
          />
        )}
        <section className="card" aria-labelledby="hist-h">
          <h2 id="hist-h" className="p-5 pb-0 text-base font-semibold">
            History
          </h2>
          <div className="mt-3 overflow-x-auto">
            <table className="table [&_td]:px-3 [&_th]:px-3" data-testid="scan-history">
              <thead>
                <tr>
                  <th>Requested</th>
                  <th>Mode</th>
                  <th>By</th>
                  <th>Status</th>
                  <th className="text-right">Vaults</th>
                  <th className="text-right">Objects</th>
                  <th className="text-right">Errors</th>
                  <th className="text-right">Duration</th>
                </tr>
              </thead>
              <tbody>
                {history.rows.length === 0 && (
                  <tr>
                    <td colSpan={8} className="py-10 text-center text-slate-500">
                      {canScan
                        ? "No scans yet. Start the first one above."
                        : "No scans yet. Ask an operator to run the first scan."}
                    </td>
                  </tr>
                )}
                {history.rows.map((s) => {
                  const p = toProgress(s, now);
                  return (
                    <tr key={s.id}>
                      <td className="whitespace-nowrap">
                        <a href={`/scans/${s.id}`} className="font-medium hover:underline">
                          {formatDateTime(s.createdAt)}
                        </a>
                      </td>
                      <td className="whitespace-nowrap capitalize">
                        {s.mode}
                        <div className="text-xs normal-case text-slate-500">
                          {s.trigger}
                          {s.scope.subscriptions?.length
                            ? ` · ${s.scope.subscriptions.length} subscription(s)`
                            : s.scope.vaults?.length
                              ? ` · ${s.scope.vaults.length} vault(s)`
                              : " · all"}
                        </div>
                      </td>
                      <td className="max-w-44 truncate text-xs" title={s.requestedBy}>
                        {s.requestedBy}
                      </td>
                      <td>
                        <ScanStatusBadge status={s.status} />
                      </td>
                      <td className="text-right tabular-nums">
                        {s.vaultsDone}/{s.vaultsTotal}
                        {s.vaultsFailed > 0 && (
                          <div className="text-xs text-orange-700 dark:text-orange-300">{s.vaultsFailed} failed</div>
                        )}
                      </td>
                      <td className="text-right tabular-nums">{formatNumber(s.objectsSeen)}</td>
                      <td className="text-right tabular-nums">
                        {s.errorCount > 0 ? (
                          <a
                            href={`/scans/${s.id}#errors`}
                            className="font-medium text-amber-700 hover:underline dark:text-amber-300"
                          >
                            {s.errorCount}
                          </a>
                        ) : (
                          0
                        )}
                      </td>
                      <td className="whitespace-nowrap text-right text-xs">{formatDuration(p.elapsedSeconds)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
        <nav
          className="flex items-center justify-between text-sm text-slate-600 dark:text-slate-400"
          aria-label="Pagination"
        >
          <span>
            {formatNumber(history.total)} scan{history.total === 1 ? "" : "s"} · page {page} of {pages}
          </span>
          <div className="flex gap-2">
            {page > 1 && (
              <a className="btn-secondary" href={`/scans?page=${page - 1}`}>
                ← Newer
              </a>
            )}
            {page < pages && (
              <a className="btn-secondary" href={`/scans?page=${page + 1}`}>
                Older →
              </a>
            )}
          </div>
        </nav>
      </div>
    </>
  );
}

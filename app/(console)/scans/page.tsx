import { loadList, readListParams, type SearchParams } from "@/app/_components/list-params";
import { PageHeader } from "@/app/_components/page-header";
import { Pager } from "@/app/_components/pager";
import { rolesGrant } from "@/lib/auth/permissions";
import { inventoryFacets } from "@/lib/inventory/list-assets";
import { scanHistory, scanHistoryInput, toProgress } from "@/lib/discovery";
import { requirePage } from "@/lib/web/page-guard";
import { LiveScan } from "./_components/live-scan";
import { ScanHistoryTable } from "./_components/scan-history-table";
import { StartScanForm } from "./_components/start-scan-form";

export const metadata = { title: "Scans" };

export default async function ScansPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await requirePage("dashboard:read", "/scans");
  const list = readListParams(await searchParams, scanHistoryInput);
  const canScan = rolesGrant(ctx.actor.roles, "scan:run");
  const now = new Date();
  const [view, facets] = await Promise.all([
    loadList(list, (input) => scanHistory({ ctx, input })),
    canScan ? inventoryFacets({ ctx, input: { limit: 2000 } }) : null,
  ]);
  const history = view.result;
  const active = history.rows
    .filter((r) => r.status === "queued" || r.status === "running")
    .map((r) => toProgress(r, now));
  // The latest scan stays on top (live while it runs, its outcome afterwards) so a finished run does not vanish.
  const shown =
    view.page === 1 && history.rows[0] && !active.some((a) => a.id === history.rows[0].id)
      ? [toProgress(history.rows[0], now), ...active]
      : active;

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
          <ScanHistoryTable rows={history.rows} now={now} canScan={canScan} />
        </section>
        <Pager path="/scans" view={view} noun="scan" labels="time" className="" />
      </div>
    </>
  );
}

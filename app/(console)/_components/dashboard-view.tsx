"use client";
import { Link } from "@/app/_components/link";
import { ExpiryTimeline } from "@/app/_components/expiry-timeline";
import { formatDate, formatDateTime, formatNumber, formatRelative } from "@/app/_components/format";
import { PageHeader } from "@/app/_components/page-header";
import { ScanStatusBadge } from "@/app/_components/status";
import type { DashboardViewData } from "@/lib/inventory/dashboard-view";
import { ExportMenu } from "./export-menu";
import { KpiCard } from "./kpi-card";
import { Leftovers, TopRisks } from "./top-risks";
import { VaultKpiCard } from "./vault-kpi-card";

/**
 * The dashboard with an inventory. A client component rendered on the server from the summary: the RSC payload then
 * carries the summary (a few KB) instead of the page's markup a second time, which roughly halves the response.
 */
export function DashboardView({
  d,
  now: nowMs,
  canScan,
  vaultHrefs,
}: {
  d: DashboardViewData;
  now: number;
  canScan: boolean;
  vaultHrefs: Record<string, string>;
}) {
  const now = new Date(nowMs);
  const scanAction = canScan ? (
    <Link href="/scans" className="btn-primary" data-testid="dashboard-run-scan">
      Run a scan
    </Link>
  ) : undefined;
  const scan = d.lastScan;
  const v = d.vaults;
  const coverage = v.total > 0 ? Math.round((v.reachable / v.total) * 100) : 0;
  const inv = (p: Record<string, string>) => `/inventory?${new URLSearchParams(p)}`;
  const timeline = d.timeline.map((b) => ({ ...b, start: b.start.toISOString(), end: b.end.toISOString() }));
  const subName = new Map(d.bySubscription.map((s) => [s.id, s.name ?? s.id]));
  const totalRisk = d.risks.ranked.length + d.risks.vaults.length;

  return (
    <>
      <PageHeader
        title="Dashboard"
        description="Expiry, posture and coverage of every Key Vault object and app credential CertifyClouds has discovered. Times are UTC."
        actions={
          <div className="flex gap-2">
            <ExportMenu />
            {scanAction}
          </div>
        }
      />

      {d.partial && (
        <p
          className="mb-4 rounded-lg border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-800 dark:border-amber-500/30 dark:bg-amber-500/10 dark:text-amber-300"
          role="status"
          data-testid="dashboard-partial"
        >
          Partial inventory: {formatNumber(d.partial.vaultsRead)} of {formatNumber(d.partial.vaultsTotal)} vaults read.
          The first full scan has not completed yet, so the figures below cover only those vaults.
        </p>
      )}

      <section
        className="card mb-4 flex flex-wrap items-center gap-x-8 gap-y-3 p-4"
        aria-label="Last scan and coverage"
        data-testid="last-scan"
      >
        <div>
          <div className="label">Last scan</div>
          {scan ? (
            <div className="flex items-center gap-2 text-sm">
              <ScanStatusBadge status={scan.status} />
              <Link href={`/scans/${scan.id}`} className="font-medium hover:underline">
                {scan.mode} · {scan.trigger}
              </Link>
              <span className="text-muted" title={formatDateTime(scan.finishedAt ?? scan.createdAt)}>
                {formatRelative(scan.finishedAt ?? scan.startedAt ?? scan.createdAt, now)}
              </span>
            </div>
          ) : (
            <div className="text-sm text-muted">No scan yet</div>
          )}
        </div>
        <div>
          <div className="label">Last completed</div>
          <div className="text-sm">{d.lastCompletedScan ? formatDateTime(d.lastCompletedScan.finishedAt) : "—"}</div>
        </div>
        <div className="min-w-56 flex-1">
          <div className="label">Coverage</div>
          <div className="flex items-center gap-3 text-sm">
            <div
              className="h-2 flex-1 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800"
              role="progressbar"
              aria-valuenow={coverage}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-label="Vaults reachable"
            >
              <div className="h-full bg-emerald-500" style={{ width: `${coverage}%` }} />
            </div>
            <span className="whitespace-nowrap tabular-nums" data-testid="coverage">
              {v.reachable}/{v.total} vaults read
            </span>
          </div>
          <div className="mt-1 text-xs text-muted">
            {v.unreachable > 0 ? (
              <Link href="/vaults?access=unreadable" className="text-orange-700 hover:underline dark:text-orange-300">
                {v.unreachable} not readable
              </Link>
            ) : (
              "all readable"
            )}
            {v.notScanned > 0 && ` · ${v.notScanned} not scanned yet`}
          </div>
        </div>
      </section>

      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-5">
        <KpiCard
          title="Secrets"
          type="secret"
          counts={d.kpis.secret}
          href={(s) => inv({ type: "secret", status: s })}
        />
        <KpiCard
          title="Certificates"
          type="certificate"
          counts={d.kpis.certificate}
          href={(s) => inv({ type: "certificate", status: s })}
        />
        <KpiCard title="Keys" type="key" counts={d.kpis.key} href={(s) => inv({ type: "key", status: s })} />
        <KpiCard
          title="App credentials"
          type="credential"
          counts={d.kpis.credential}
          href={(s) => (s === "no-expiry" ? "/apps" : `/apps?status=${s}`)}
        />
        <VaultKpiCard vaults={v} />
      </div>

      <div className="mt-4 grid gap-4 xl:grid-cols-3">
        <section className="card p-5 xl:col-span-2" aria-labelledby="timeline-h">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 id="timeline-h" className="text-base font-semibold">
              Expiring in the next 90 days
            </h2>
            <span className="text-xs text-muted">Weekly buckets from {formatDate(now)} (UTC)</span>
          </div>
          <div className="mt-3">
            <ExpiryTimeline data={timeline} />
          </div>
        </section>
        <section className="card p-5" aria-labelledby="subs-h">
          <h2 id="subs-h" className="text-base font-semibold">
            By subscription
          </h2>
          {/* No inner scroll (it hid subscriptions without a cue): the first few, the rest behind a count. */}
          <SubscriptionList rows={d.bySubscription.slice(0, SUBSCRIPTIONS_SHOWN)} href={inv} testId="by-subscription" />
          {d.bySubscription.length > SUBSCRIPTIONS_SHOWN && (
            <details data-testid="by-subscription-more">
              <summary className="cursor-pointer py-2 text-sm link">
                Show {d.bySubscription.length - SUBSCRIPTIONS_SHOWN} more subscriptions
              </summary>
              <SubscriptionList
                rows={d.bySubscription.slice(SUBSCRIPTIONS_SHOWN)}
                href={inv}
                testId="by-subscription-rest"
              />
            </details>
          )}
        </section>
      </div>

      <section className="card mt-4" aria-labelledby="risks-h" data-testid="top-risks">
        <div className="flex items-baseline justify-between p-5 pb-0">
          <h2 id="risks-h" className="text-base font-semibold">
            Top risks
          </h2>
          <Link href={inv({ sort: "expiry" })} className="text-sm link">
            Full inventory →
          </Link>
        </div>
        {totalRisk === 0 ? (
          <p className="p-5 text-sm text-muted">Nothing expired, expiring within the thresholds, or unreachable. </p>
        ) : (
          <TopRisks risks={d.risks} now={now} vaultHrefs={vaultHrefs} subName={subName} />
        )}
      </section>

      {d.risks.leftovers.total > 0 && (
        <section className="card mt-4" aria-labelledby="leftovers-h" data-testid="leftovers">
          <div className="p-5 pb-0">
            <div className="flex items-baseline justify-between">
              <h2 id="leftovers-h" className="text-base font-semibold">
                Leftovers to clean up{" "}
                <span className="text-sm font-normal text-muted">({formatNumber(d.risks.leftovers.total)})</span>
              </h2>
              <Link href={inv({ status: "expired" })} className="text-sm link">
                Every expired object →
              </Link>
            </div>
            <p className="mt-1 text-sm text-muted">
              Enabled objects expired more than {d.risks.leftovers.afterDays} days ago, and app credentials that expired
              long ago or were replaced by a newer one. Not an outage, but clutter that hides the real risks: delete
              them.
            </p>
          </div>
          <Leftovers leftovers={d.risks.leftovers} now={now} />
        </section>
      )}
    </>
  );
}

const SUBSCRIPTIONS_SHOWN = 6;

function SubscriptionList({
  rows,
  href,
  testId,
}: {
  rows: DashboardViewData["bySubscription"];
  testId: string;
  href: (p: Record<string, string>) => string;
}) {
  return (
    <ul className="mt-3 divide-y divide-slate-100 dark:divide-slate-800" data-testid={testId}>
      {rows.map((s) => {
        const risk = s.expired + s.critical;
        return (
          <li key={s.id} className="py-2.5">
            <div className="flex items-baseline justify-between gap-3">
              <Link
                href={href({ subscription: s.id })}
                className="min-w-0 truncate text-sm font-medium hover:underline"
                title={s.id}
              >
                {s.name ?? s.id}
              </Link>
              <span
                className={`shrink-0 text-sm tabular-nums ${risk > 0 ? "font-semibold text-red-600 dark:text-red-400" : "text-muted"}`}
                title="Expired or critical objects"
              >
                {formatNumber(risk)} at risk
              </span>
            </div>
            <div className="mt-0.5 flex flex-wrap gap-x-3 text-xs text-muted">
              <span>{formatNumber(s.objects)} objects</span>
              <span>
                {s.vaults} vault{s.vaults === 1 ? "" : "s"}
                {s.unreachable > 0 && (
                  <span className="text-orange-700 dark:text-orange-300"> · {s.unreachable} not readable</span>
                )}
              </span>
              {s.warning > 0 && <span className="text-amber-700 dark:text-amber-300">{s.warning} warning</span>}
              {s.noExpiry > 0 && <span>{s.noExpiry} no expiry</span>}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

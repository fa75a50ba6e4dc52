import { Link } from "@/app/_components/link";
import { PageHeader } from "@/app/_components/page-header";
import { EmptyState } from "@/app/_components/status";
import { rolesGrant } from "@/lib/auth/permissions";
import { cachedDashboardSummary } from "@/lib/inventory/dashboard-summary";
import { vaultHref } from "@/lib/inventory/ids";
import { requirePage } from "@/lib/web/page-guard";
import { toDashboardViewData } from "@/lib/inventory/dashboard-view";
import { complianceTrend } from "@/lib/compliance/read-overview";
import { DashboardScore } from "./compliance/_components/dashboard-score";
import { DashboardView } from "./_components/dashboard-view";

export const metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const ctx = await requirePage("dashboard:read", "/");
  const canScan = rolesGrant(ctx.actor.roles, "scan:run");
  const now = new Date();
  const d = await cachedDashboardSummary(ctx);
  if (!d.hasInventory && !d.lastScan) {
    return (
      <>
        <PageHeader
          title="Dashboard"
          description="Expiry, posture and coverage of every Key Vault object and app credential CertifyClouds has discovered."
        />
        <EmptyState title="No inventory yet" testId="dashboard-empty">
          {canScan ? (
            <>
              <p>
                Nothing has been discovered yet. A full scan lists every subscription, vault, secret, certificate, key
                and app registration the scanner identity can read (metadata only, never values).
              </p>
              <Link href="/scans" className="btn-primary mt-5" data-testid="first-scan">
                Run your first scan →
              </Link>
            </>
          ) : (
            <p>
              Nothing has been discovered yet. Ask an operator to run the first scan; the dashboard fills in as soon as
              it completes.
            </p>
          )}
        </EmptyState>
      </>
    );
  }

  // the view is a client component rendered from this data: the RSC payload carries the summary, not its markup
  const vaultHrefs = Object.fromEntries(d.risks.vaults.map((r) => [r.id, vaultHref(r.id)]));
  const trend = (await complianceTrend(ctx, 30)).map((p) => ({ ...p, takenAt: p.takenAt.toISOString() }));
  return (
    <>
      <DashboardView d={toDashboardViewData(d)} now={now.getTime()} canScan={canScan} vaultHrefs={vaultHrefs} />
      <DashboardScore trend={trend} />
    </>
  );
}

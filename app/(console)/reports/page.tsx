import { PageHeader } from "@/app/_components/page-header";
import { inventoryFacets } from "@/lib/inventory/list-assets";
import { SECTIONS, SECTION_TITLES } from "@/lib/reports/evidence-data";
import { listReports } from "@/lib/reports/store";
import { requirePage } from "@/lib/web/page-guard";
import { GenerateReportForm } from "./_components/generate-report-form";
import { ReportsTable } from "./_components/reports-table";

export const metadata = { title: "Reports" };

export default async function ReportsPage() {
  const ctx = await requirePage("evidence:export", "/reports");
  const [reports, facets] = await Promise.all([listReports({ ctx }), inventoryFacets({ ctx, input: { limit: 1 } })]);
  return (
    <>
      <PageHeader
        title="Reports"
        description={
          <>
            Evidence packages for SOC 2 and ISO 27001 audits and audit log exports. Every package carries its raw data
            as PDF attachments with their SHA-256 on the cover; see docs/evidence.md, &quot;How an auditor verifies this
            package&quot;. Generating and downloading are audited.
          </>
        }
      />
      <div className="space-y-4">
        <GenerateReportForm
          subscriptions={facets.subscriptions}
          sections={SECTIONS.map((id) => ({ id, name: SECTION_TITLES[id] }))}
        />
        <section className="card" aria-labelledby="reports-h">
          <h2 id="reports-h" className="p-5 pb-0 text-base font-semibold">
            Generated reports
          </h2>
          <ReportsTable rows={reports} />
        </section>
      </div>
    </>
  );
}

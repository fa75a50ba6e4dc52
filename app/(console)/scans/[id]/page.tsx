import { notFound } from "next/navigation";
import { formatDateTime } from "@/app/_components/format";
import { loadOrNotFound } from "@/app/_components/load-or-not-found";
import { PageHeader } from "@/app/_components/page-header";
import { rolesGrant } from "@/lib/auth/permissions";
import { UUID_RE } from "@/lib/inventory/ids";
import { scanDetail } from "@/lib/discovery";
import { requirePage } from "@/lib/web/page-guard";
import { Breadcrumb, Field, Section } from "../../_components/detail";
import { detailTitle } from "../../_components/detail-title";
import { LiveScan } from "../_components/live-scan";
import { ScanErrorGroup } from "../_components/scan-error-group";

export function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return detailTitle("Scan", async (ctx) => {
    const { scan } = await scanDetail({ ctx, input: { id: (await params).id } });
    return `${scan.mode[0].toUpperCase()}${scan.mode.slice(1)} scan of ${formatDateTime(scan.createdAt)}`;
  });
}

export default async function ScanPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const ctx = await requirePage("dashboard:read", `/scans/${id}`);
  if (!UUID_RE.test(id)) notFound();
  const { scan, errors } = await loadOrNotFound(scanDetail({ ctx, input: { id } }));
  const canScan = rolesGrant(ctx.actor.roles, "scan:run");
  const byKind = new Map<string, typeof errors>();
  for (const e of errors) byKind.set(e.kind, [...(byKind.get(e.kind) ?? []), e]);

  return (
    <>
      <Breadcrumb items={[{ href: "/scans", label: "Scans" }, { label: formatDateTime(scan.createdAt) }]} />
      <PageHeader
        title={`${scan.mode[0].toUpperCase()}${scan.mode.slice(1)} scan`}
        description={`Requested ${formatDateTime(scan.createdAt)} by ${scan.requestedBy} (${scan.trigger}).`}
      />
      <div className="grid gap-4 xl:grid-cols-3">
        <div className="xl:col-span-2">
          <LiveScan initial={scan} canCancel={canScan} />
        </div>
        <Section title="Run" id="run-h">
          <dl>
            <Field k="Scan id" mono>
              {scan.id}
            </Field>
            <Field k="Scope">
              {scan.scope.subscriptions?.length
                ? `Subscriptions: ${scan.scope.subscriptions.join(", ")}`
                : scan.scope.vaults?.length
                  ? `Vaults: ${scan.scope.vaults.map((v) => v.split("/").pop()).join(", ")}`
                  : "All subscriptions in scope"}
            </Field>
            <Field k="Started">{formatDateTime(scan.startedAt)}</Field>
            <Field k="Finished">{formatDateTime(scan.finishedAt)}</Field>
            <Field k="API requests">{scan.requestCount.toLocaleString("en-US")}</Field>
          </dl>
        </Section>
      </div>
      <section className="card mt-4" aria-labelledby="errors-h" id="errors" data-testid="scan-errors">
        <h2 id="errors-h" className="p-5 pb-0 text-base font-semibold">
          Errors {errors.length > 0 && <span className="text-muted">({errors.length})</span>}
        </h2>
        {errors.length === 0 ? (
          <p className="p-5 text-sm text-muted">No errors recorded{scan.active ? " so far" : ""}.</p>
        ) : (
          <div className="space-y-4 p-5">
            {[...byKind.entries()].map(([kind, list]) => (
              <ScanErrorGroup key={kind} kind={kind} errors={list} />
            ))}
          </div>
        )}
      </section>
    </>
  );
}

import { notFound } from "next/navigation";
import { formatDateTime } from "@/app/_components/format";
import { PageHeader } from "@/app/_components/page-header";
import { AccessBadge } from "@/app/_components/status";
import { rolesGrant } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { UUID_RE, vaultSlug } from "@/lib/inventory/ids";
import { scanDetail } from "@/lib/discovery";
import { requirePage } from "@/lib/web/page-guard";
import { Breadcrumb, Field, Section } from "../../_components/detail";
import { LiveScan } from "../_components/live-scan";

export const metadata = { title: "Scan" };

export default async function ScanPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const ctx = await requirePage("dashboard:read", `/scans/${id}`);
  if (!UUID_RE.test(id)) notFound();
  let data;
  try {
    data = await scanDetail({ ctx, input: { id } });
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  }
  const { scan, errors } = data;
  const canScan = rolesGrant(ctx.actor.roles, "scan:run");
  const byKind = new Map<string, typeof errors>();
  for (const e of errors) byKind.set(e.kind, [...(byKind.get(e.kind) ?? []), e]);
  const scopeLabel = (s: string) =>
    s.startsWith("/subscriptions/") && s.includes("/vaults/") ? s.split("/").pop() : s;

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
          Errors {errors.length > 0 && <span className="text-slate-500">({errors.length})</span>}
        </h2>
        {errors.length === 0 ? (
          <p className="p-5 text-sm text-slate-500">No errors recorded{scan.active ? " so far" : ""}.</p>
        ) : (
          <div className="space-y-4 p-5">
            {[...byKind.entries()].map(([kind, list]) => (
              <div key={kind}>
                <div className="flex items-center gap-2">
                  <AccessBadge status={kind} />
                  <span className="text-sm text-slate-500">
                    {list.length} occurrence{list.length === 1 ? "" : "s"}
                  </span>
                </div>
                <p className="mt-2 rounded-lg bg-slate-50 p-3 text-sm dark:bg-slate-800/60">
                  <span className="font-semibold">How to fix: </span>
                  {list[0].remediation}
                </p>
                <div className="mt-2 overflow-x-auto">
                  <table className="table">
                    <thead>
                      <tr>
                        <th>Where</th>
                        <th>Error</th>
                        <th>When</th>
                      </tr>
                    </thead>
                    <tbody>
                      {list.map((e) => (
                        <tr key={e.id}>
                          <td className="max-w-64">
                            {e.scope.includes("/vaults/") ? (
                              <a
                                href={`/vaults/${vaultSlug(e.scope)}`}
                                className="whitespace-nowrap font-medium hover:underline"
                              >
                                {scopeLabel(e.scope)}
                              </a>
                            ) : (
                              <span className="font-mono text-xs">{e.scope}</span>
                            )}
                          </td>
                          <td className="text-xs">
                            {e.code && <span className="font-mono">{e.code}: </span>}
                            {e.message}
                            {e.remediation !== list[0].remediation && (
                              <div className="mt-1 text-slate-500">{e.remediation}</div>
                            )}
                          </td>
                          <td className="whitespace-nowrap text-xs">{formatDateTime(e.at)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </div>
            ))}
          </div>
        )}
      </section>
    </>
  );
}

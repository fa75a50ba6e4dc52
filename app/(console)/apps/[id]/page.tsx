import { notFound } from "next/navigation";
import { formatDateTime, formatDaysUntil } from "@/app/_components/format";
import { PageHeader } from "@/app/_components/page-header";
import { StatusBadge } from "@/app/_components/status";
import { AppError } from "@/lib/errors";
import { getApp } from "@/lib/inventory/apps";
import { requirePage } from "@/lib/web/page-guard";
import { Breadcrumb, Field, Section } from "../../_components/detail";

export const metadata = { title: "Application" };

export default async function AppPage({ params }: { params: Promise<{ id: string }> }) {
  const { id: raw } = await params;
  const id = decodeURIComponent(raw);
  const ctx = await requirePage("dashboard:read", `/apps/${raw}`);
  let data;
  try {
    data = await getApp({ ctx, input: { id } });
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  }
  const { app, credentials, related } = data;
  const now = new Date();
  return (
    <>
      <Breadcrumb items={[{ href: "/apps", label: "App registrations" }, { label: app.displayName }]} />
      <PageHeader
        title={app.displayName}
        description={
          app.kind === "servicePrincipal" ? "Service principal (enterprise application)" : "Application registration"
        }
      />
      <div className="grid items-start gap-4 lg:grid-cols-2">
        <Section title="Identity" id="ident-h">
          <dl>
            <Field k="Application (client) id" mono>
              {app.appId}
            </Field>
            <Field k="Object id" mono>
              {app.id}
            </Field>
            <Field k="Created">{formatDateTime(app.createdDateTime)}</Field>
            <Field k="First / last seen">{`${formatDateTime(app.firstSeenAt)} / ${formatDateTime(app.lastSeenAt)}`}</Field>
            {app.removedAt && <Field k="Removed">{formatDateTime(app.removedAt)}</Field>}
            {related.map((r) => (
              <Field key={r.id} k={r.kind === "servicePrincipal" ? "Service principal" : "Application object"}>
                <a
                  href={`/apps/${encodeURIComponent(r.id)}`}
                  className="text-brand-600 hover:underline dark:text-blue-300"
                >
                  {r.displayName}
                </a>
              </Field>
            ))}
          </dl>
        </Section>
        <Section title="Owners" id="owners-h">
          {app.owners.length === 0 ? (
            <p className="text-amber-700 dark:text-amber-300">
              No owners: nobody is accountable for rotating this application&apos;s credentials.
            </p>
          ) : (
            <ul className="space-y-2" data-testid="app-owners">
              {app.owners.map((o) => (
                <li key={o.id}>
                  <div className="font-medium">{o.displayName ?? o.id}</div>
                  {o.userPrincipalName && <div className="text-xs text-slate-500">{o.userPrincipalName}</div>}
                </li>
              ))}
            </ul>
          )}
        </Section>
      </div>
      <Section title="Credentials" id="creds-h" className="mt-4">
        <div className="-mx-5 overflow-x-auto">
          <table className="table" data-testid="app-credentials">
            <thead>
              <tr>
                <th>Type</th>
                <th>Display name</th>
                <th>Hint</th>
                <th>Key id</th>
                <th>Valid from</th>
                <th>Expires</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {credentials.length === 0 && (
                <tr>
                  <td colSpan={7} className="py-8 text-center text-slate-500">
                    No client secrets or certificates.
                  </td>
                </tr>
              )}
              {credentials.map((c) => (
                <tr key={c.id} className={c.removedAt ? "opacity-60" : undefined}>
                  <td>{c.type === "password" ? "Client secret" : "Certificate"}</td>
                  <td>{c.displayName ?? <span className="text-slate-400">—</span>}</td>
                  <td className="font-mono text-xs">{c.hint ? `${c.hint}…` : "—"}</td>
                  <td className="font-mono text-[11px] text-slate-500">{c.keyId}</td>
                  <td className="whitespace-nowrap text-xs">{formatDateTime(c.startDateTime)}</td>
                  <td className="whitespace-nowrap">
                    {c.endDateTime ? formatDaysUntil(c.endDateTime, now) : "never"}
                    <div className="text-xs text-slate-500">{formatDateTime(c.endDateTime)}</div>
                  </td>
                  <td>
                    <div className="flex gap-1">
                      <StatusBadge status={c.endDateTime ? c.status : "no-expiry"} />
                      {c.removedAt && <StatusBadge status="removed" />}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
    </>
  );
}

import { Link } from "@/app/_components/link";
import { DataTable, type Column } from "@/app/_components/data-table";
import { formatDateTime, formatDaysUntil } from "@/app/_components/format";
import { loadOrNotFound } from "@/app/_components/load-or-not-found";
import { PageHeader } from "@/app/_components/page-header";
import { StatusBadge } from "@/app/_components/status";
import { rolesGrant } from "@/lib/auth/permissions";
import { getApp } from "@/lib/inventory/apps";
import { requirePage } from "@/lib/web/page-guard";
import { Breadcrumb, Field, Section } from "../../_components/detail";
import { detailTitle } from "../../_components/detail-title";
import { consolePortal, PortalLink } from "../../_components/portal-link";
import { RotationSections } from "./rotation-sections";
import { getObjectCompliance } from "@/lib/compliance/object-compliance";
import { ObjectComplianceSection } from "../../compliance/_components/object-compliance";

export function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return detailTitle(
    "Application",
    async (ctx) => (await getApp({ ctx, input: { id: decodeURIComponent((await params).id) } })).app.displayName,
  );
}

export default async function AppPage({ params }: { params: Promise<{ id: string }> }) {
  const { id: raw } = await params;
  const id = decodeURIComponent(raw);
  const ctx = await requirePage("dashboard:read", `/apps/${raw}`);
  const { app, credentials, related } = await loadOrNotFound(getApp({ ctx, input: { id } }));
  const compliance = await getObjectCompliance({ ctx, input: { objectId: app.id } });
  const now = new Date();
  return (
    <>
      <Breadcrumb items={[{ href: "/apps", label: "App registrations" }, { label: app.displayName }]} />
      <PageHeader
        title={app.displayName}
        description={
          app.kind === "servicePrincipal" ? "Service principal (enterprise application)" : "Application registration"
        }
        actions={
          <PortalLink
            label="Open in Entra ID"
            href={
              app.kind === "servicePrincipal"
                ? consolePortal()?.servicePrincipal(app.id, app.appId)
                : consolePortal()?.application(app.appId)
            }
          />
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
                <Link href={`/apps/${encodeURIComponent(r.id)}`} className="link">
                  {r.displayName}
                </Link>
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
                  {o.userPrincipalName && <div className="text-xs text-muted">{o.userPrincipalName}</div>}
                </li>
              ))}
            </ul>
          )}
        </Section>
      </div>
      <ObjectComplianceSection data={compliance} noun="app registration" className="mt-4" />
      <Section title="Credentials" id="creds-h" className="mt-4">
        <DataTable
          label={`Credentials of ${app.displayName}`}
          testId="app-credentials"
          frame="none"
          className="-mx-5"
          columns={credentialColumns(now)}
          rows={credentials}
          rowKey={(c) => c.id}
          rowAttributes={(c) => ({ className: c.removedAt ? "opacity-60" : undefined })}
          empty="No client secrets or certificates."
        />
      </Section>
      {app.kind === "application" && !app.removedAt && (
        <RotationSections
          ctx={ctx}
          appObjectId={app.id}
          canRotate={ctx.actor.type === "user" && rolesGrant(ctx.actor.roles, "rotation:run")}
        />
      )}
    </>
  );
}

type Credential = Awaited<ReturnType<typeof getApp>>["credentials"][number];

function credentialColumns(now: Date): Column<Credential>[] {
  return [
    { header: "Type", cell: (c) => (c.type === "password" ? "Client secret" : "Certificate") },
    { header: "Display name", cell: (c) => c.displayName ?? <span className="text-muted">—</span> },
    { header: "Hint", className: "font-mono text-xs", cell: (c) => (c.hint ? `${c.hint}…` : "—") },
    { header: "Key id", className: "font-mono text-[11px] text-muted", cell: (c) => c.keyId },
    { header: "Valid from", className: "whitespace-nowrap text-xs", cell: (c) => formatDateTime(c.startDateTime) },
    {
      header: "Expires",
      className: "whitespace-nowrap",
      cell: (c) => (c.endDateTime ? formatDaysUntil(c.endDateTime, now) : "never"),
      detail: (c) => formatDateTime(c.endDateTime),
    },
    {
      header: "Status",
      cell: (c) => (
        <div className="flex gap-1">
          <StatusBadge status={c.endDateTime ? c.status : "no-expiry"} />
          {c.removedAt && <StatusBadge status="removed" />}
        </div>
      ),
    },
  ];
}

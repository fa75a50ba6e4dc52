import { Link } from "@/app/_components/link";
import { notFound } from "next/navigation";
import { DataTable, type Column } from "@/app/_components/data-table";
import { formatDate, formatDateTime, formatDaysUntil, formatNumber, formatRelative } from "@/app/_components/format";
import { loadOrNotFound } from "@/app/_components/load-or-not-found";
import { PageHeader } from "@/app/_components/page-header";
import { AccessBadge, StatusBadge, TYPE_PLURAL, TypedName, TypeIcon } from "@/app/_components/status";
import { vaultAccessRemediation } from "@/lib/discovery";
import { displayStatus } from "@/lib/inventory/filters";
import { vaultIdFromSlug, vaultInventoryHref } from "@/lib/inventory/ids";
import { listAssets, type AssetRow } from "@/lib/inventory/list-assets";
import { getVault } from "@/lib/inventory/vaults";
import { requirePage } from "@/lib/web/page-guard";
import { getObjectCompliance } from "@/lib/compliance/object-compliance";
import { ObjectComplianceSection } from "../../compliance/_components/object-compliance";
import { Breadcrumb, Field, Section, Tags } from "../../_components/detail";
import { detailTitle } from "../../_components/detail-title";
import { ErrorText } from "../../_components/error-text";
import { consolePortal, PortalLink } from "../../_components/portal-link";
import { authModel, diagnostics, network, purgeProtection, softDelete } from "../../_components/posture";
import { AccessPolicyTable, PostureFacts } from "../../_components/posture-facts";
import { isUnreadable } from "@/lib/inventory/vault-readability";

export function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return detailTitle("Vault", async (ctx) => {
    const id = vaultIdFromSlug((await params).id);
    if (!id) throw new Error("not a vault address");
    return (await getVault({ ctx, input: { id } })).vault.name;
  });
}

export default async function VaultPage({ params }: { params: Promise<{ id: string }> }) {
  const { id: slug } = await params;
  const ctx = await requirePage("dashboard:read", `/vaults/${slug}`);
  const id = vaultIdFromSlug(slug);
  if (!id) notFound();
  const { vault: v, counts, errors, subscriptionName } = await loadOrNotFound(getVault({ ctx, input: { id } }));
  const objects = await listAssets({ ctx, input: { vault: v.id, sort: "expiry", pageSize: 25 } });
  const compliance = await getObjectCompliance({ ctx, input: { objectId: v.id } });
  const now = new Date();
  const unreadable = isUnreadable(v);
  // a readable vault can still have an access error (details denied): said, but not as "could not read"
  const accessProblem = unreadable || (v.accessStatus !== "ok" && v.accessError !== null);
  const remediation = vaultAccessRemediation(v);

  return (
    <>
      <Breadcrumb items={[{ href: "/vaults", label: "Vaults" }, { label: v.name }]} />
      <PageHeader
        title={v.name}
        description={`${v.resourceGroup} · ${v.location ?? "unknown region"} · ${subscriptionName ?? v.subscriptionId}`}
        actions={
          <div className="flex items-center gap-2" data-testid="vault-access">
            <AccessBadge status={v.accessStatus} />
            {v.removedAt && <StatusBadge status="removed" />}
            <PortalLink href={consolePortal()?.resource(v.id)} />
          </div>
        }
      />
      {accessProblem && (
        <div
          className="mb-4 rounded-xl border border-orange-200 bg-orange-50 p-4 text-sm dark:border-orange-500/30 dark:bg-orange-500/10"
          role="alert"
          data-testid="vault-remediation"
        >
          <div className="font-semibold text-orange-800 dark:text-orange-200">
            {unreadable
              ? "Not readable: the scanner could not list this vault's objects"
              : "The objects were listed, but not all of their details could be read"}
          </div>
          {v.accessError?.message && (
            <ErrorText
              code={v.accessError.code}
              message={v.accessError.message}
              className="mt-1 text-orange-900/80 dark:text-orange-200/80"
            />
          )}
          {remediation && (
            <p className="mt-2 text-orange-900 dark:text-orange-100">
              <span className="font-semibold">How to fix: </span>
              {remediation}
            </p>
          )}
          {unreadable && (
            <p className="mt-2 text-xs text-orange-800/80 dark:text-orange-200/70">
              {v.listedAt
                ? `Last known: ${formatNumber(v.objectCount)} objects, listed ${formatDateTime(v.listedAt)}; the objects below are from that listing.`
                : "Never listed: nothing is known of its objects."}{" "}
              Last attempt {formatDateTime(v.lastScannedAt)}.
            </p>
          )}
        </div>
      )}
      <div className="grid items-start gap-4 lg:grid-cols-2 xl:grid-cols-3">
        <Section title="Posture" id="posture-h" className="xl:col-span-2">
          <dl className="grid gap-x-8 sm:grid-cols-2" data-testid="vault-posture">
            <Field k="Authorization">{authModel(v)}</Field>
            <Field k="Soft delete">{softDelete(v)}</Field>
            <Field k="Purge protection">{purgeProtection(v)}</Field>
            <Field k="Diagnostics">{diagnostics(v)}</Field>
            <Field k="Public network">{v.publicNetworkAccess ?? "Unknown"}</Field>
            <Field k="Firewall default">{v.networkDefaultAction ?? "No network ACLs"}</Field>
            <Field k="Firewall rules">{`${v.ipRuleCount ?? 0} IP · ${v.vnetRuleCount ?? 0} VNet`}</Field>
            <Field k="Private endpoints">{String(v.privateEndpointCount ?? 0)}</Field>
            <Field k="Exposure">{network(v)}</Field>
            <Field k="Access policies">
              {v.enableRbacAuthorization ? "n/a (RBAC)" : String(v.accessPolicyCount ?? "—")}
            </Field>
            <PostureFacts v={v} />
          </dl>
          <AccessPolicyTable v={v} />
        </Section>
        <Section title="Properties" id="props-h">
          <dl>
            <Field k="Vault URI" mono>
              {v.vaultUri}
            </Field>
            <Field k="SKU">{v.sku}</Field>
            <Field k="Tenant" mono>
              {v.tenantId}
            </Field>
            <Field k="Resource id" mono>
              {v.id}
            </Field>
            <Field k="Last scanned">
              {v.lastScannedAt
                ? `${formatDateTime(v.lastScannedAt)} (${formatRelative(v.lastScannedAt, now)})`
                : "never"}
            </Field>
            <Field k="First seen">{formatDateTime(v.firstSeenAt)}</Field>
            <Field k="Tags">
              <Tags tags={v.tags} />
            </Field>
          </dl>
        </Section>
      </div>

      <ObjectComplianceSection data={compliance} noun="vault" className="mt-4" />

      <Section
        title="Objects"
        id="objects-h"
        className="mt-4"
        actions={
          <Link href={vaultInventoryHref(v.id)} className="text-sm link">
            All {formatNumber(objects.total)} in inventory →
          </Link>
        }
      >
        <div className="grid gap-3 sm:grid-cols-3">
          {["secret", "certificate", "key"].map((t) => {
            const c = counts.find((x) => x.type === t);
            return (
              <div key={t} className="rounded-lg border border-slate-200 p-3 dark:border-slate-800">
                <div className="flex items-center gap-2 text-xs font-medium text-muted">
                  <TypeIcon type={t} />
                  {TYPE_PLURAL[t]}
                </div>
                <div className="mt-1 text-2xl font-semibold tabular-nums">
                  {unreadable && !v.listedAt ? "not readable" : (c?.total ?? 0)}
                </div>
                <div className="mt-1 flex flex-wrap gap-x-3 text-xs text-muted">
                  {c && c.expired > 0 && <span className="text-red-600 dark:text-red-400">{c.expired} expired</span>}
                  {c && c.critical > 0 && (
                    <span className="text-orange-700 dark:text-orange-400">{c.critical} critical</span>
                  )}
                  {c && c.warning > 0 && (
                    <span className="text-amber-700 dark:text-amber-400">{c.warning} warning</span>
                  )}
                  {c && c.noExpiry > 0 && <span>{c.noExpiry} no expiry</span>}
                  {c && c.disabled > 0 && <span>{c.disabled} disabled</span>}
                  {c && c.removed > 0 && <span>{c.removed} removed</span>}
                </div>
              </div>
            );
          })}
        </div>
        <DataTable
          label={`Soonest-expiring objects in ${v.name}`}
          testId="vault-objects"
          frame="none"
          className="-mx-5 mt-4"
          columns={objectColumns(now)}
          rows={objects.rows}
          rowKey={(r) => r.id}
          rowHref={(r) => `/inventory/${r.id}`}
          empty={
            unreadable
              ? "Not readable: no objects could be listed from this vault."
              : "This vault holds no secrets, certificates or keys."
          }
        />
      </Section>

      <Section title="Scan errors" id="errors-h" className="mt-4">
        {errors.length === 0 ? (
          <p className="text-muted">No scan errors recorded for this vault.</p>
        ) : (
          <ul className="divide-y divide-slate-100 dark:divide-slate-800" data-testid="vault-errors">
            {errors.map((e) => (
              <li key={e.id} className="py-3">
                <div className="flex flex-wrap items-center gap-2">
                  <AccessBadge status={e.kind} />
                  <span className="text-xs text-muted">{formatDateTime(e.at)}</span>
                  <Link href={`/scans/${e.scanId}`} className="text-xs link">
                    scan
                  </Link>
                </div>
                {/* The latest error is already in the box above: say so instead of repeating it. */}
                {accessProblem && e.message === v.accessError?.message ? (
                  <p className="mt-1 text-xs text-muted">The error shown above.</p>
                ) : (
                  <>
                    <ErrorText code={e.code} message={e.message} className="mt-1 text-slate-600 dark:text-slate-400" />
                    {e.remediation !== remediation && <p className="mt-1 text-sm">{e.remediation}</p>}
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      </Section>
    </>
  );
}

function objectColumns(now: Date): Column<AssetRow>[] {
  return [
    {
      header: "Name",
      cell: (r) => <TypedName type={r.type} name={r.name} />,
    },
    {
      header: "Status",
      cell: (r) => (
        <div className="flex gap-1">
          <StatusBadge status={displayStatus(r)} />
          {!r.enabled && <StatusBadge status="disabled" />}
        </div>
      ),
    },
    {
      header: "Expires",
      className: "whitespace-nowrap",
      cell: (r) => (r.expiresOn ? formatDaysUntil(r.expiresOn, now) : "—"),
      detail: (r) => (r.expiresOn ? formatDate(r.expiresOn) : ""),
    },
    { header: "Updated", className: "text-xs text-muted", cell: (r) => formatDate(r.updatedOn) },
  ];
}

import { Link } from "@/app/_components/link";
import { notFound } from "next/navigation";
import { formatDateTime, formatDaysUntil } from "@/app/_components/format";
import { loadOrNotFound } from "@/app/_components/load-or-not-found";
import { PageHeader } from "@/app/_components/page-header";
import { StatusBadge, TypeIcon } from "@/app/_components/status";
import { displayStatus } from "@/lib/inventory/filters";
import { getAsset } from "@/lib/inventory/get-asset";
import { UUID_RE, vaultHref } from "@/lib/inventory/ids";
import { requirePage } from "@/lib/web/page-guard";
import { Breadcrumb, Field, Section, Tags } from "../../_components/detail";
import { detailTitle } from "../../_components/detail-title";
import { ekuName } from "../_components/eku";
import { consolePortal, PortalLink } from "../../_components/portal-link";
import { VersionsSection } from "./versions";
import { ObjectComplianceSection } from "../../compliance/_components/object-compliance";
import { getObjectCompliance } from "@/lib/compliance/object-compliance";

export function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return detailTitle("Object", async (ctx) => (await getAsset({ ctx, input: { id: (await params).id } })).asset.name);
}

const TYPE_LABEL: Record<string, string> = { secret: "Secret", certificate: "Certificate", key: "Key" };

function str(v: unknown): string | undefined {
  if (v === null || v === undefined || v === "") return undefined;
  if (Array.isArray(v)) return v.map(String).join(", ");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

const yesNo = (v: unknown) => (v === true ? "Yes" : v === false ? "No" : "—");

/** A list as chips; `name` turns a code into words (the code stays as the tooltip). */
function chips(v: unknown, name?: (code: string) => string) {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  return (
    <span className="flex flex-wrap gap-1">
      {v.map((x, i) => (
        <span
          key={i}
          title={name ? String(x) : undefined}
          className={`badge bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300 ${name ? "" : "font-mono text-[11px]"}`}
        >
          {name ? name(String(x)) : String(x)}
        </span>
      ))}
    </span>
  );
}

function lifetime(v: unknown): string | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  return v
    .map((a: Record<string, unknown>) => {
      const when = a.lifetimePercentage
        ? `at ${a.lifetimePercentage}% of lifetime`
        : a.daysBeforeExpiry
          ? `${a.daysBeforeExpiry} d before expiry`
          : a.timeBeforeExpiry
            ? `${a.timeBeforeExpiry} before expiry`
            : a.timeAfterCreate
              ? `${a.timeAfterCreate} after creation`
              : "";
      return `${String(a.action ?? "action")} ${when}`.trim();
    })
    .join("; ");
}

export default async function AssetPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const ctx = await requirePage("dashboard:read", `/inventory/${id}`);
  if (!UUID_RE.test(id)) notFound();
  const { asset: a, vaultName, subscriptionName, versions } = await loadOrNotFound(getAsset({ ctx, input: { id } }));
  const compliance = await getObjectCompliance({ ctx, input: { objectId: a.id } });
  const d = (a.detail ?? {}) as Record<string, unknown>;
  const pick = (...keys: string[]) => str(keys.map((k) => d[k]).find((v) => v !== undefined && v !== null));
  const status = displayStatus(a);
  const now = new Date();
  const policy = d.policy as Record<string, unknown> | undefined;
  const rotation = d.rotationPolicy as Record<string, unknown> | undefined;
  const known = new Set([
    "version",
    "subject",
    "issuer",
    "x5t",
    "thumbprint",
    "serialNumber",
    "validFrom",
    "validTo",
    "sans",
    "subjectAlternativeNames",
    "keyType",
    "kty",
    "keySize",
    "size",
    "curve",
    "crv",
    "keyOps",
    "ops",
    "policy",
    "rotationPolicy",
    "exportable",
    "hsm",
  ]);
  const extra = Object.entries(d).filter(([k]) => !known.has(k));

  return (
    <>
      <Breadcrumb
        items={[
          { href: "/inventory", label: "Inventory" },
          { href: vaultHref(a.vaultId), label: vaultName ?? "vault" },
          { label: a.name },
        ]}
      />
      <PageHeader
        title={a.name}
        description={`${TYPE_LABEL[a.type]} in ${vaultName ?? a.vaultId}`}
        actions={
          <div className="flex flex-wrap items-center gap-2">
            <div className="flex flex-wrap items-center gap-2" data-testid="asset-status">
              <StatusBadge status={status} />
              {!a.enabled && <StatusBadge status="disabled" />}
              {a.removedAt && <StatusBadge status="removed" />}
            </div>
            <PortalLink href={consolePortal()?.keyVaultObject(a.type, a.objectId)} />
          </div>
        }
      />
      {a.removedAt && (
        <p
          className="mb-4 rounded-lg border border-slate-200 bg-slate-100 px-4 py-2 text-sm text-slate-700 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-300"
          role="status"
        >
          This object was not found in Azure on {formatDateTime(a.removedAt)}. It stays in the inventory for the record.
        </p>
      )}
      <div className="grid items-start gap-4 lg:grid-cols-2">
        <Section title="Expiry" id="expiry-h">
          <div className="flex items-center gap-4">
            <div
              className={`text-3xl font-semibold ${status === "expired" ? "text-red-600 dark:text-red-400" : status === "critical" ? "text-orange-600 dark:text-orange-400" : status === "warning" ? "text-amber-600 dark:text-amber-400" : ""}`}
            >
              {a.expiresOn ? formatDaysUntil(a.expiresOn, now) : "No expiry date"}
            </div>
          </div>
          <dl className="mt-3">
            <Field k="Expires">{a.expiresOn ? formatDateTime(a.expiresOn) : "never (no expiry date set)"}</Field>
            <Field k="Not before">{a.notBefore ? formatDateTime(a.notBefore) : undefined}</Field>
            <Field k="Status">
              <StatusBadge status={status} />
            </Field>
          </dl>
          {!a.expiresOn && (
            <p className="mt-2 text-xs text-muted">
              CIS Azure KV 5–7: secrets, keys and certificates should have an expiration date.
            </p>
          )}
        </Section>
        <Section title="Attributes" id="attrs-h">
          <dl>
            <Field k="Type">
              <span className="flex items-center gap-2">
                <TypeIcon type={a.type} />
                {TYPE_LABEL[a.type]}
              </span>
            </Field>
            <Field k="Enabled">{a.enabled ? "Yes" : "No (disabled)"}</Field>
            <Field k="Vault">
              <Link href={vaultHref(a.vaultId)} className="link">
                {vaultName}
              </Link>
            </Field>
            <Field k="Subscription">
              {subscriptionName ? `${subscriptionName} (${a.subscriptionId})` : a.subscriptionId}
            </Field>
            <Field k="Identifier" mono>
              {a.objectId}
            </Field>
            <Field k="Current version" mono>
              {a.currentVersion}
            </Field>
            <Field k="Versions seen" testId="version-count">
              {a.versionCount ?? undefined}
            </Field>
            <Field k="Content type">{a.contentType}</Field>
            <Field k="Managed">{a.managed ? "Yes (backs a certificate)" : "No"}</Field>
            <Field k="Recovery level">{a.recoveryLevel}</Field>
            <Field k="Created">{formatDateTime(a.createdOn)}</Field>
            <Field k="Updated">{formatDateTime(a.updatedOn)}</Field>
          </dl>
        </Section>
        {a.type === "certificate" && (
          <Section title="Certificate" id="cert-h">
            <dl data-testid="cert-detail">
              <Field k="Subject">{pick("subject") ?? str(policy?.subject)}</Field>
              <Field k="Issuer">{pick("issuer") ?? str(policy?.issuerName)}</Field>
              <Field k="SHA-1 thumbprint" mono>
                {pick("thumbprint", "x5t")}
              </Field>
              <Field k="Serial number" mono>
                {pick("serialNumber")}
              </Field>
              <Field k="Valid">
                {d.validFrom || d.validTo
                  ? `${formatDateTime(str(d.validFrom))} → ${formatDateTime(str(d.validTo))}`
                  : undefined}
              </Field>
              <Field k="SANs">{chips(d.sans ?? d.subjectAlternativeNames)}</Field>
            </dl>
            {policy && (
              <>
                <h3 className="mt-4 text-xs font-semibold uppercase tracking-wide text-muted">Issuance policy</h3>
                <dl>
                  <Field k="Issuer">{str(policy.issuerName)}</Field>
                  <Field k="Key">
                    {[str(policy.keyType), str(policy.keySize), str(policy.keyCurveName)].filter(Boolean).join(" · ") ||
                      undefined}
                  </Field>
                  <Field k="Exportable / reuse key">{`${yesNo(policy.exportable)} / ${yesNo(policy.reuseKey)}`}</Field>
                  <Field k="Validity">
                    {policy.validityInMonths ? `${str(policy.validityInMonths)} months` : undefined}
                  </Field>
                  <Field k="Lifetime actions">{lifetime(policy.lifetimeActions)}</Field>
                  <Field k="Enhanced key usage">{chips(policy.enhancedKeyUsage, ekuName)}</Field>
                </dl>
              </>
            )}
          </Section>
        )}
        {a.type === "key" && (
          <Section title="Key" id="key-h">
            <dl data-testid="key-detail">
              <Field k="Key type">{pick("kty", "keyType")}</Field>
              <Field k="Size / curve">{pick("keySize", "size", "curve", "crv")}</Field>
              <Field k="Operations">{chips(d.keyOps ?? d.ops)}</Field>
              <Field k="Exportable">{d.exportable === undefined ? undefined : yesNo(d.exportable)}</Field>
              <Field k="HSM-backed">{d.hsm === undefined ? undefined : yesNo(d.hsm)}</Field>
              <Field k="Rotation policy">
                {rotation ? (
                  rotation.configured === false ? (
                    <span className="text-amber-700 dark:text-amber-300">Not configured</span>
                  ) : (
                    <span>
                      {rotation.autoRotate ? "Automatic rotation" : "Notify only"}
                      {rotation.expiresIn ? ` · expires after ${str(rotation.expiresIn)}` : ""}
                      {lifetime(rotation.lifetimeActions) ? (
                        <span className="block text-xs text-muted">{lifetime(rotation.lifetimeActions)}</span>
                      ) : null}
                    </span>
                  )
                ) : (
                  "Not recorded"
                )}
              </Field>
            </dl>
          </Section>
        )}
        <ObjectComplianceSection data={compliance} noun={TYPE_LABEL[a.type]?.toLowerCase() ?? "object"} />
        <VersionsSection versions={versions} total={a.versionCount} current={a.currentVersion} now={now} />
        <Section title="Tags" id="tags-h">
          <Tags tags={a.tags} />
        </Section>
        <Section title="Discovery" id="seen-h">
          <dl>
            <Field k="First seen">{formatDateTime(a.firstSeenAt)}</Field>
            <Field k="Last seen">{formatDateTime(a.lastSeenAt)}</Field>
            <Field k="Removed">{a.removedAt ? formatDateTime(a.removedAt) : "No"}</Field>
          </dl>
        </Section>
        {extra.length > 0 && (
          <Section title="Other metadata" id="extra-h">
            <dl>
              {extra.map(([k, v]) => (
                <Field key={k} k={k} mono>
                  {str(v)}
                </Field>
              ))}
            </dl>
          </Section>
        )}
      </div>
    </>
  );
}

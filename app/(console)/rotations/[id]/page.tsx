import { DataTable } from "@/app/_components/data-table";
import { formatDateTime } from "@/app/_components/format";
import { loadOrNotFound } from "@/app/_components/load-or-not-found";
import { PageHeader } from "@/app/_components/page-header";
import { rolesGrant } from "@/lib/auth/permissions";
import { getRotation } from "@/lib/rotation";
import { requirePage } from "@/lib/web/page-guard";
import { Breadcrumb, Field, Section } from "../../_components/detail";
import { AutoRefresh } from "../_components/auto-refresh";
import { DecideButtons } from "../_components/decide-buttons";
import { RetryButton } from "../_components/retry-button";

export const metadata = { title: "Rotation" };

const STEP_LABEL: Record<string, string> = {
  add_password: "Add the new client secret (Graph addPassword)",
  write_secret: "Write a new version to",
  create_certificate: "Create the next Key Vault certificate version (its policy, a new key pair)",
  add_key: "Register its public certificate with the app (Graph addKey, proof signed by the old key)",
  verify: "Verify: token request with the new secret",
  update_reference: "Point the versioned reference at the new version:",
  overlap: "Overlap: the old secret stays valid",
  remove_old: "Remove the old client secret (Graph removePassword)",
  remove_new: "Remove the new client secret again",
};
/** the same steps, worded for a certificate rotation where they differ */
const CERT_STEP_LABEL: Record<string, string> = {
  verify: "Verify: token request with a client assertion signed by the new key",
  overlap: "Overlap: the old certificate stays trusted",
  remove_old: "Remove the old certificate from the app (Graph removeKey, proof signed by the new key)",
};
const RESULT: Record<string, string> = {
  updated: "updated",
  unchanged: "already there",
  gone: "no longer references the secret",
};

/** What a step did, in one line: a reference update names its kind and the versions, other steps their detail. */
function stepDetail(s: { step: string; error: string | null; detail: Record<string, string> }): string {
  if (s.error) return s.error;
  const d = s.detail;
  if (s.step === "update_reference") {
    const v = (x: string | undefined) => (x ? x.slice(0, 12) : "versionless");
    return `${d.kind ?? ""} · ${v(d.from)} → ${v(d.to)}${d.result ? ` · ${RESULT[d.result] ?? d.result}` : ""}`;
  }
  return Object.values(d).filter(Boolean).join(" ") || "—";
}

const ACTIVE = new Set(["adding", "writing", "verifying", "removing"]);

export default async function RotationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const ctx = await requirePage("dashboard:read", `/rotations/${id}`);
  const { rotation: r, steps } = await loadOrNotFound(getRotation({ ctx, input: { rotationId: id } }));
  const user = ctx.actor.type === "user" ? ctx.actor : null;
  const canRetry = !!user && rolesGrant(user.roles, "rotation:run") && r.state === "held";
  const awaiting = r.state === "awaiting_approval";
  const ownRequest = !!user && user.upn.toLowerCase() === r.requestedBy.toLowerCase();
  const canDecide = !!user && awaiting && rolesGrant(user.roles, "rotation:approve") && !ownRequest;
  const cert = r.kind === "certificate" ? r.certificate : null;
  const noun = cert ? "certificate" : "client secret";
  const label = (step: string) => (cert && CERT_STEP_LABEL[step]) || STEP_LABEL[step] || step;
  return (
    <>
      <AutoRefresh active={ACTIVE.has(r.state)} />
      <Breadcrumb
        items={[
          { href: "/apps", label: "App registrations" },
          { href: `/apps/${encodeURIComponent(r.appObjectId)}`, label: r.appDisplayName },
          { label: "Rotation" },
        ]}
      />
      <PageHeader
        title={`${cert ? "Certificate rotation" : "Rotation"} of ${r.appDisplayName}`}
        description={`${r.trigger === "auto" ? "Started automatically" : "Started"} ${formatDateTime(r.createdAt)} by ${r.requestedBy}`}
      />
      <div className="grid items-start gap-4 lg:grid-cols-2">
        <Section title="State" id="state-h">
          <dl>
            <Field k="State">
              <span data-testid="rotation-state">{r.state}</span>
            </Field>
            {r.state === "held" && <Field k="Held because">{r.heldReason}</Field>}
            {awaiting && (
              <Field k="Waiting for">
                an Admin other than {r.requestedBy} to approve it — nothing has changed in Entra ID or Key Vault yet
              </Field>
            )}
            {r.decidedBy && (
              <Field k={r.state === "cancelled" ? "Rejected by" : "Approved by"}>
                {r.decidedBy} at {formatDateTime(r.decidedAt)}
              </Field>
            )}
            <Field k={`Old ${noun}`} mono>
              {r.oldKeyId ?? "—"}
            </Field>
            <Field k={`New ${noun}`} mono>
              {r.newKeyId ?? "—"}
            </Field>
            <Field k={`New ${noun} expires`}>{formatDateTime(r.newEndDateTime)}</Field>
            <Field k="Overlap until">{formatDateTime(r.overlapUntil)}</Field>
            {!cert && (
              <Field k="Versioned references">
                {r.updateReferences ? "pointed at the new version after verification" : "left as they are"}
              </Field>
            )}
            <Field k="Attempt">{String(r.attempt)}</Field>
            {r.finishedAt && <Field k="Finished">{formatDateTime(r.finishedAt)}</Field>}
          </dl>
          {canDecide && (
            <div className="mt-3">
              <DecideButtons rotationId={r.id} />
            </div>
          )}
          {awaiting && ownRequest && (
            <p className="mt-3 text-sm text-muted" data-testid="own-request">
              You requested this rotation: another Admin approves it (four eyes).
            </p>
          )}
          {canRetry && (
            <div className="mt-3">
              <RetryButton rotationId={r.id} />
            </div>
          )}
        </Section>
        {cert ? (
          <Section title="Key Vault certificate" id="targets-h">
            <dl data-testid="rotation-certificate">
              <Field k="Certificate" mono>
                {`${cert.vaultName}/${cert.name}`}
              </Field>
              <Field k="Replaced version" mono>
                {`${cert.oldVersion ?? "—"} · ${cert.oldThumbprint}`}
              </Field>
              <Field k="New version" mono>
                {cert.newVersion ? `${cert.newVersion} · ${cert.newThumbprint ?? ""}` : "not created yet"}
              </Field>
            </dl>
          </Section>
        ) : (
          <Section title="Secrets written" id="targets-h">
            <ul className="list-disc pl-5 text-sm">
              {r.targets.map((t) => (
                <li key={`${t.vaultName}/${t.secretName}`} className="font-mono text-xs">
                  {t.vaultName}/{t.secretName} <span className="font-sans text-muted">({t.linkSource})</span>
                </li>
              ))}
            </ul>
          </Section>
        )}
      </div>
      <Section title="Steps" id="steps-h" className="mt-4">
        <DataTable
          label="Steps of this rotation"
          testId="rotation-steps"
          frame="none"
          className="-mx-5"
          rows={steps}
          rowKey={(s) => s.id}
          empty="No steps yet."
          columns={[
            { header: "Step", cell: (s) => `${label(s.step)}${s.target ? ` ${s.target}` : ""}` },
            { header: "Status", cell: (s) => <span data-status={s.status}>{s.status}</span> },
            { header: "Attempts", cell: (s) => s.attempts },
            {
              header: "Detail",
              className: "font-mono text-[11px]",
              cell: stepDetail,
            },
            { header: "Finished", className: "whitespace-nowrap text-xs", cell: (s) => formatDateTime(s.finishedAt) },
          ]}
        />
      </Section>
    </>
  );
}

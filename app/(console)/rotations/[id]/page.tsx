import { DataTable } from "@/app/_components/data-table";
import { formatDateTime } from "@/app/_components/format";
import { loadOrNotFound } from "@/app/_components/load-or-not-found";
import { PageHeader } from "@/app/_components/page-header";
import { rolesGrant } from "@/lib/auth/permissions";
import { getRotation } from "@/lib/rotation";
import { requirePage } from "@/lib/web/page-guard";
import { Breadcrumb, Field, Section } from "../../_components/detail";
import { AutoRefresh } from "../_components/auto-refresh";
import { RetryButton } from "../_components/retry-button";

export const metadata = { title: "Rotation" };

const STEP_LABEL: Record<string, string> = {
  add_password: "Add the new client secret (Graph addPassword)",
  write_secret: "Write a new version to",
  verify: "Verify: token request with the new secret",
  overlap: "Overlap: the old secret stays valid",
  remove_old: "Remove the old client secret (Graph removePassword)",
  remove_new: "Remove the new client secret again",
};
const ACTIVE = new Set(["adding", "writing", "verifying", "removing"]);

export default async function RotationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const ctx = await requirePage("dashboard:read", `/rotations/${id}`);
  const { rotation: r, steps } = await loadOrNotFound(getRotation({ ctx, input: { rotationId: id } }));
  const canRetry = ctx.actor.type === "user" && rolesGrant(ctx.actor.roles, "rotation:run") && r.state === "held";
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
        title={`Rotation of ${r.appDisplayName}`}
        description={`Started ${formatDateTime(r.createdAt)} by ${r.requestedBy}`}
      />
      <div className="grid items-start gap-4 lg:grid-cols-2">
        <Section title="State" id="state-h">
          <dl>
            <Field k="State">
              <span data-testid="rotation-state">{r.state}</span>
            </Field>
            {r.state === "held" && <Field k="Held because">{r.heldReason}</Field>}
            <Field k="Old client secret" mono>
              {r.oldKeyId ?? "—"}
            </Field>
            <Field k="New client secret" mono>
              {r.newKeyId ?? "—"}
            </Field>
            <Field k="New secret expires">{formatDateTime(r.newEndDateTime)}</Field>
            <Field k="Overlap until">{formatDateTime(r.overlapUntil)}</Field>
            <Field k="Attempt">{String(r.attempt)}</Field>
            {r.finishedAt && <Field k="Finished">{formatDateTime(r.finishedAt)}</Field>}
          </dl>
          {canRetry && (
            <div className="mt-3">
              <RetryButton rotationId={r.id} />
            </div>
          )}
        </Section>
        <Section title="Secrets written" id="targets-h">
          <ul className="list-disc pl-5 text-sm">
            {r.targets.map((t) => (
              <li key={`${t.vaultName}/${t.secretName}`} className="font-mono text-xs">
                {t.vaultName}/{t.secretName} <span className="font-sans text-muted">({t.linkSource})</span>
              </li>
            ))}
          </ul>
        </Section>
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
            { header: "Step", cell: (s) => `${STEP_LABEL[s.step] ?? s.step}${s.target ? ` ${s.target}` : ""}` },
            { header: "Status", cell: (s) => <span data-status={s.status}>{s.status}</span> },
            { header: "Attempts", cell: (s) => s.attempts },
            {
              header: "Detail",
              className: "font-mono text-[11px]",
              cell: (s) => s.error ?? (Object.values(s.detail).filter(Boolean).join(" ") || "—"),
            },
            { header: "Finished", className: "whitespace-nowrap text-xs", cell: (s) => formatDateTime(s.finishedAt) },
          ]}
        />
      </Section>
    </>
  );
}

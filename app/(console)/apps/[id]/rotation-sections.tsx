import { Link } from "@/app/_components/link";
import { DataTable } from "@/app/_components/data-table";
import { formatDateTime } from "@/app/_components/format";
import type { Ctx } from "@/lib/context";
import { rolesGrant } from "@/lib/auth/permissions";
import { appAutoRotation, listAppLinks, listRotations, rotationWrites } from "@/lib/rotation";
import { notRotatable, sourceOf, type CertificateCredential } from "@/lib/rotation/certificate-links";
import { Section } from "../../_components/detail";
import { readSetting } from "@/lib/settings/store";
import { LinkDecision } from "./_components/link-decision";
import { MatchHint } from "./_components/match-hint";
import { RotatePanel } from "./_components/rotate-panel";
import { AutoSwitch } from "./_components/auto-switch";

/** The app page's rotation part: linked secrets (with source and confidence), Rotate now, and the rotation history. */
export async function RotationSections({
  ctx,
  appObjectId,
  canRotate,
}: {
  ctx: Ctx;
  appObjectId: string;
  canRotate: boolean;
}) {
  const [{ links, certificates }, history, policy, auto, autoPolicy] = await Promise.all([
    listAppLinks({ ctx, input: { appObjectId } }),
    listRotations({ ctx, input: { appObjectId, limit: 20 } }),
    readSetting(ctx, "rotation.policy"),
    appAutoRotation(ctx, appObjectId),
    readSetting(ctx, "rotation.auto"),
  ]);
  const canConfigure = ctx.actor.type === "user" && rolesGrant(ctx.actor.roles, "settings:write");
  return (
    <>
      <Section title="Linked Key Vault secrets" id="links-h" className="mt-4">
        <DataTable
          label="Key Vault secrets linked to this application"
          testId="app-links"
          frame="none"
          className="-mx-5"
          rows={links}
          rowKey={(l) => `${l.secret.vaultId}/${l.secret.name}`}
          empty="No Key Vault secret is linked: tag one (cc-app-id), name it by a pattern from Settings → Rotation, or confirm a suggestion."
          columns={[
            { header: "Vault", cell: (l) => l.secret.vaultName },
            { header: "Secret", className: "font-mono text-xs", cell: (l) => l.secret.name },
            { header: "Source", cell: (l) => l.source },
            { header: "Confidence", cell: (l) => l.confidence },
            { header: "Rotated", cell: (l) => (l.active ? "yes" : `no — ${l.reason}`) },
            ...(canRotate
              ? [
                  {
                    header: "Decision",
                    cell: (l: (typeof links)[number]) => (
                      <LinkDecision
                        appObjectId={appObjectId}
                        vaultId={l.secret.vaultId}
                        secretName={l.secret.name}
                        active={l.active}
                      />
                    ),
                  },
                ]
              : []),
          ]}
        />
        {canRotate && <MatchHint appObjectId={appObjectId} allowed={policy.matchByHint} />}
      </Section>
      {canRotate && (
        <Section title="Rotate the client secret" id="rotate-h" className="mt-4">
          <RotatePanel appObjectId={appObjectId} />
        </Section>
      )}
      {certificates.length > 0 && (
        <CertificateSection appObjectId={appObjectId} certificates={certificates} canRotate={canRotate} />
      )}
      <Section title="Automatic rotation" id="auto-h" className="mt-4">
        <p className="mb-2 text-sm text-muted">
          {autoPolicy.enabled
            ? `On for the tenant: due credentials (${autoPolicy.daysBeforeExpiry} days before expiry) are rotated in the maintenance window${autoPolicy.requireApproval ? ", after an Admin's approval" : ""}.`
            : "Off for the tenant (Settings → Automatic rotation): this switch takes effect once it is on."}
        </p>
        <AutoSwitch appObjectId={appObjectId} value={auto} canChange={canConfigure} />
      </Section>
      <Section title="Rotations" id="rotations-h" className="mt-4">
        <DataTable
          label="Rotations of this application"
          testId="app-rotations"
          frame="none"
          className="-mx-5"
          rows={history}
          rowKey={(r) => r.id}
          empty="No rotation yet."
          columns={[
            {
              header: "Started",
              cell: (r) => (
                <Link className="link" href={`/rotations/${r.id}`}>
                  {formatDateTime(r.createdAt)}
                </Link>
              ),
            },
            { header: "State", cell: (r) => (r.state === "held" ? `held — ${r.heldReason}` : r.state) },
            { header: "By", cell: (r) => r.requestedBy },
            { header: "Writes", cell: rotationWrites },
          ]}
        />
      </Section>
    </>
  );
}

/** Why a certificate credential can or cannot be rotated from here, in a few words. */
function rotationNote(c: CertificateCredential): string {
  if (!c.holders.length) return "no Key Vault certificate has its thumbprint";
  const src = sourceOf(c);
  if (!src) return notRotatable(c.holders[0])!;
  return c.holders.length > 1 ? `new versions in ${src.vaultName}; ${c.holders.length - 1} copy not updated` : "ready";
}

/** The app's certificate credentials, the Key Vault certificates holding them (same thumbprint), Rotate buttons. */
function CertificateSection({
  appObjectId,
  certificates,
  canRotate,
}: {
  appObjectId: string;
  certificates: CertificateCredential[];
  canRotate: boolean;
}) {
  const rotatable = certificates.filter((c) => sourceOf(c));
  return (
    <Section title="Certificates in Key Vault" id="certs-h" className="mt-4">
      <DataTable
        label="Certificate credentials of this application and the Key Vault certificates holding them"
        testId="app-certificates"
        frame="none"
        className="-mx-5"
        rows={certificates}
        rowKey={(c) => c.keyId}
        empty="No certificate credentials."
        columns={[
          { header: "Certificate", cell: (c) => c.displayName ?? c.keyId },
          {
            header: "Thumbprint",
            className: "font-mono text-[11px]",
            cell: (c) => (c.thumbprint ? `${c.thumbprint.slice(0, 12)}…` : "—"),
          },
          { header: "Expires", className: "whitespace-nowrap text-xs", cell: (c) => formatDateTime(c.endDateTime) },
          {
            header: "Key Vault",
            className: "font-mono text-xs",
            cell: (c) => (c.holders.length ? c.holders.map((h) => `${h.vaultName}/${h.name}`).join(", ") : "—"),
          },
          { header: "Rotation", cell: rotationNote },
        ]}
      />
      {canRotate && rotatable.length > 0 && (
        <ul className="mt-3 space-y-3">
          {rotatable.map((c) => (
            <li key={c.keyId}>
              <RotatePanel
                appObjectId={appObjectId}
                keyId={c.keyId}
                label={`Rotate certificate ${c.displayName ?? c.keyId.slice(0, 8)}`}
              />
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

import Link from "next/link";
import { DataTable } from "@/app/_components/data-table";
import { formatDateTime } from "@/app/_components/format";
import type { Ctx } from "@/lib/context";
import { listAppLinks, listRotations } from "@/lib/rotation";
import { Section } from "../../_components/detail";
import { readSetting } from "@/lib/settings/store";
import { LinkDecision } from "./_components/link-decision";
import { MatchHint } from "./_components/match-hint";
import { RotatePanel } from "./_components/rotate-panel";

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
  const [{ links }, history, policy] = await Promise.all([
    listAppLinks({ ctx, input: { appObjectId } }),
    listRotations({ ctx, input: { appObjectId, limit: 20 } }),
    readSetting(ctx, "rotation.policy"),
  ]);
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
            { header: "Secrets", cell: (r) => r.targets.length },
          ]}
        />
      </Section>
    </>
  );
}

/**
 * The rotation's alerts (types registered in lib/alerts/registry.ts), raised in the transition's own transaction so
 * an alert exists exactly when the state change does: completed, failed (held after a failed step: a person must
 * retry or roll back), held (stopped with no failed step) and awaiting approval (an Admin must approve it to start).
 */
import { emitAlert } from "../alerts/emit";
import type { TxCtx } from "../context";
import type { Rotation } from "../db/schema";

/** The step rows a transition writes (store.ts's StepChange; only what the alert reads). */
interface StepOutcome {
  step: string;
  target?: string;
  status: string;
}

const TITLE = {
  "rotation.awaiting_approval": "Rotation awaits approval",
  "rotation.completed": "Rotation completed",
  "rotation.failed": "Rotation failed",
  "rotation.held": "Rotation held",
} as const;

export async function alertOnTransition(tx: TxCtx, r: Rotation, steps: readonly StepOutcome[]): Promise<void> {
  if (r.state !== "done" && r.state !== "held" && r.state !== "awaiting_approval") return;
  const failed = steps.find((s) => s.status === "failed");
  const type =
    r.state === "awaiting_approval"
      ? "rotation.awaiting_approval"
      : r.state === "done"
        ? "rotation.completed"
        : failed
          ? "rotation.failed"
          : "rotation.held";
  const cert = r.kind === "certificate" ? r.certificate : null;
  const vaults = cert ? [cert.vaultName] : [...new Set(r.targets.map((t) => t.vaultName))];
  const secrets = cert ? [`${cert.vaultName}/${cert.name}`] : r.targets.map((t) => `${t.vaultName}/${t.secretName}`);
  const noun = cert ? "certificate" : "client secret";
  const outcome =
    type === "rotation.awaiting_approval"
      ? `A${r.trigger === "auto" ? "n automatic" : ""} rotation of ${r.appDisplayName}'s ${noun}, requested by ${r.requestedBy}, waits for an Admin other than the requester to approve it. Nothing has changed yet.`
      : type === "rotation.completed"
        ? cert
          ? `The certificate of ${r.appDisplayName} was rotated: the new version of Key Vault certificate ${secrets[0]} is the app's certificate now, the old one is removed.`
          : `The client secret of ${r.appDisplayName} was rotated and written to ${secrets.length} Key Vault secret${secrets.length === 1 ? "" : "s"}.`
        : `The rotation of ${r.appDisplayName}'s ${noun} stopped: ${r.heldReason ?? "held"}. It waits for an Operator to retry it.`;
  await emitAlert(tx, {
    type,
    // one alert per rotation and outcome: a retried rotation that fails again alerts again (a new attempt)
    itemKey: `rotation:${r.id}:${r.attempt}`,
    title: `${TITLE[type]}: ${r.appDisplayName}`,
    summary: outcome,
    facts: [
      { name: "App", value: `${r.appDisplayName} (${r.appId})` },
      { name: cert ? "Certificate" : "Secrets", value: secrets.join(", ").slice(0, 400) || "none" },
      ...(failed
        ? [{ name: "Failed step", value: failed.target ? `${failed.step} ${failed.target}` : failed.step }]
        : []),
      ...(r.state === "held" && r.heldReason ? [{ name: "Reason", value: r.heldReason }] : []),
    ],
    link: `/rotations/${r.id}`,
    data: {
      rotationId: r.id,
      assetName: r.appDisplayName.slice(0, 400),
      vault: vaults.join(", ").slice(0, 400),
      ...(failed ? { step: (failed.target ? `${failed.step} ${failed.target}` : failed.step).slice(0, 100) } : {}),
      ...(r.state === "held" && r.heldReason ? { error: r.heldReason.slice(0, 500) } : {}),
    },
  });
}

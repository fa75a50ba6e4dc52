/**
 * The rotation's alerts (types registered in lib/alerts/registry.ts), raised in the transition's own transaction so
 * an alert exists exactly when the state change does: completed, failed (held after a failed step: a person must
 * retry or roll back) and held (stopped with no failed step).
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

export async function alertOnTransition(tx: TxCtx, r: Rotation, steps: readonly StepOutcome[]): Promise<void> {
  if (r.state !== "done" && r.state !== "held") return;
  const failed = steps.find((s) => s.status === "failed");
  const type = r.state === "done" ? "rotation.completed" : failed ? "rotation.failed" : "rotation.held";
  const vaults = [...new Set(r.targets.map((t) => t.vaultName))];
  const secrets = r.targets.map((t) => `${t.vaultName}/${t.secretName}`);
  const outcome =
    type === "rotation.completed"
      ? `The client secret of ${r.appDisplayName} was rotated and written to ${secrets.length} Key Vault secret${secrets.length === 1 ? "" : "s"}.`
      : `The rotation of ${r.appDisplayName}'s client secret stopped: ${r.heldReason ?? "held"}. It waits for an Operator to retry it.`;
  await emitAlert(tx, {
    type,
    // one alert per rotation and outcome: a retried rotation that fails again alerts again (a new attempt)
    itemKey: `rotation:${r.id}:${r.attempt}`,
    title: `${type === "rotation.completed" ? "Rotation completed" : type === "rotation.failed" ? "Rotation failed" : "Rotation held"}: ${r.appDisplayName}`,
    summary: outcome,
    facts: [
      { name: "App", value: `${r.appDisplayName} (${r.appId})` },
      { name: "Secrets", value: secrets.join(", ").slice(0, 400) || "none" },
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

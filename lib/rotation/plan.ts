/**
 * The dry run shown before every rotation, and the verb that starts one from it. Nothing here calls the cloud: the
 * plan is built from the inventory (metadata only), the links and the settings.
 */
import { z } from "zod";
import { audit } from "../audit/record";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { rotations, type RotationTarget } from "../db/schema";
import { withTransaction } from "../db/transaction";
import { AppError } from "../errors";
import { readSetting } from "../settings/store";
import { text } from "../validation";
import { loadAppLinks } from "./app-links";
import { TAG_APP_ID, TAG_KEY_ID, TAG_ROTATION_ID, type Link } from "./links";
import { discoverConsumers, type Consumer } from "./consumers";
import { checkPermissions, referencePermissions, type PermissionCheck } from "./permissions";
import { planCertificate } from "./certificate-plan";
import type { RotationPlan } from "./plan-shape";
import { RUNNING, runningRotation, unreachableTargets } from "./plan-checks";
import { targetKey } from "./traces";
import { alertOnTransition } from "./alerts";
import { initSteps } from "./store";

const planInput = z.object({
  appObjectId: text(200, { min: 1 }),
  keyId: text(64).optional(),
  /** after verification, point versioned consumer references at the new version (the plan offers it) */
  updateReferences: z.boolean().optional(),
});

export type { RotationPlan } from "./plan-shape";

function pickCredential(
  passwords: { keyId: string; displayName: string | null; endDateTime: Date | null }[],
  links: Link[],
  keyId?: string,
) {
  if (keyId) return passwords.find((p) => p.keyId === keyId) ?? null;
  const named = links.find((l) => l.active && l.keyId && passwords.some((p) => p.keyId === l.keyId));
  if (named) return passwords.find((p) => p.keyId === named.keyId)!;
  // the newest secret is the one most likely stored in the vaults
  return passwords.at(-1) ?? null;
}

export async function planRotation({
  ctx,
  input,
  consumers = true,
}: {
  ctx: Ctx;
  input: unknown;
  /** false: skip the live reads — consumers and permissions (starting a rotation does not need them) */
  consumers?: boolean;
}): Promise<RotationPlan> {
  assertPermission(ctx, "rotation:run");
  const i = planInput.parse(input);
  const { app, passwords, links, certificates } = await loadAppLinks(ctx, i.appObjectId);
  const policy = await readSetting(ctx, "rotation.policy");
  const { requireApproval } = await readSetting(ctx, "rotation.auto");
  const running = await runningRotation(ctx, app.id);
  const certCred = i.keyId ? certificates.find((c) => c.keyId === i.keyId) : undefined;
  if (certCred)
    return planCertificate(ctx, app, certCred, {
      overlapHours: policy.overlapHours,
      needsApproval: requireApproval,
      running,
      live: consumers,
    });
  const active = links.filter((l) => l.active);
  const validityDays = active.find((l) => l.validityDays)?.validityDays ?? policy.validityDays;
  const newEnd = new Date(Date.now() + validityDays * 86_400_000);
  const replaces = pickCredential(passwords, links, i.keyId);
  const blockers: string[] = [];
  if (i.keyId && !replaces) blockers.push("That credential is not a current client secret of this app.");
  if (!active.length)
    blockers.push("No Key Vault secret is linked to this app: link one (tags, naming or confirm a suggestion).");
  if (running) blockers.push(RUNNING);
  const targetVaults = [
    ...new Map(active.map((l) => [l.secret.vaultId, { id: l.secret.vaultId, name: l.secret.vaultName }])).values(),
  ];
  const warnings = await unreachableTargets(ctx, targetVaults);
  const [found, permissions] = consumers
    ? await Promise.all([
        discoverConsumers(
          ctx,
          active.map((l) => ({
            vaultName: l.secret.vaultName,
            vaultUri: l.secret.vaultUri,
            secretName: l.secret.name,
          })),
        ),
        checkPermissions(app, targetVaults),
      ])
    : [{ consumers: [] as Consumer[] }, [] as PermissionCheck[]];
  return {
    kind: "secret",
    certificate: null,
    consumers: found.consumers,
    ...(found.error ? { consumersError: found.error } : {}),
    app: { id: app.id, appId: app.appId, displayName: app.displayName },
    replaces,
    validityDays,
    newEndDateTime: newEnd,
    overlapHours: policy.overlapHours,
    targets: active.map((l) => ({
      vaultId: l.secret.vaultId,
      vaultName: l.secret.vaultName,
      vaultUri: l.secret.vaultUri,
      secretName: l.secret.name,
      linkSource: l.source as RotationTarget["linkSource"],
      contentType: l.secret.contentType,
      newExpiry: newEnd,
      tags: [TAG_APP_ID, TAG_KEY_ID, TAG_ROTATION_ID],
    })),
    skipped: links
      .filter((l) => !l.active)
      .map((l) => ({ vaultName: l.secret.vaultName, secretName: l.secret.name, source: l.source, reason: l.reason })),
    permissions: [...permissions, ...referencePermissions(found.consumers)],
    needsApproval: requireApproval,
    warnings,
    blockers,
  };
}

/**
 * Starts the rotation the plan describes; the rotation worker (scheduler) executes it — at once, or after an Admin's
 * approval when Settings → Automatic rotation requires one. `trigger` is set by the rotation-auto job, never by input.
 */
export async function startRotation({
  ctx,
  input,
  trigger,
}: {
  ctx: Ctx;
  input: unknown;
  trigger?: { kind: "auto"; reason: string };
}): Promise<{ rotationId: string }> {
  assertPermission(ctx, "rotation:run");
  const plan = await planRotation({ ctx, input, consumers: false });
  const updateReferences = planInput.parse(input).updateReferences ?? false;
  if (plan.blockers.length) throw new AppError("conflict", plan.blockers[0]);
  const by = ctx.actor.type === "user" ? ctx.actor.upn : ctx.actor.type === "system" ? ctx.actor.job : "anonymous";
  return withTransaction(ctx, async (tx) => {
    const targets = plan.targets.map((t) => ({
      vaultId: t.vaultId,
      vaultName: t.vaultName,
      vaultUri: t.vaultUri,
      secretName: t.secretName,
      linkSource: t.linkSource,
      contentType: t.contentType,
    }));
    const [r] = await tx.db
      .insert(rotations)
      .values({
        kind: plan.kind,
        certificate: plan.certificate
          ? {
              vaultId: plan.certificate.vaultId,
              vaultName: plan.certificate.vaultName,
              vaultUri: plan.certificate.vaultUri,
              name: plan.certificate.name,
              oldThumbprint: plan.certificate.oldThumbprint,
              oldVersion: plan.certificate.oldVersion,
            }
          : null,
        appObjectId: plan.app.id,
        appId: plan.app.appId,
        appDisplayName: plan.app.displayName,
        oldKeyId: plan.replaces?.keyId ?? null,
        state: plan.needsApproval ? "awaiting_approval" : "adding",
        trigger: trigger?.kind ?? "manual",
        overlapHours: plan.overlapHours,
        validityDays: plan.validityDays,
        targets,
        updateReferences,
        requestedBy: by,
      })
      .returning();
    await initSteps(tx, r.id, targets.map(targetKey), plan.kind);
    // awaiting approval: the Admins' alert rules hear of it in this transaction
    await alertOnTransition(tx, r, []);
    await audit(tx, {
      action: "rotation.started",
      target: { type: "rotation", id: r.id },
      details: {
        app: plan.app.id,
        kind: plan.kind,
        ...(plan.certificate
          ? {
              certificate: `${plan.certificate.vaultName}/${plan.certificate.name}`,
              version: plan.certificate.oldVersion,
            }
          : {}),
        replaces: plan.replaces?.keyId ?? null,
        targets: targets.map(targetKey),
        overlapHours: plan.overlapHours,
        updateReferences,
        trigger: trigger?.kind ?? "manual",
        ...(trigger ? { reason: trigger.reason } : {}),
        awaitingApproval: plan.needsApproval,
      },
    });
    return { rotationId: r.id };
  });
}

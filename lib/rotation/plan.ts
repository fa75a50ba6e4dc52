/**
 * The dry run shown before every rotation, and the verb that starts one from it. Nothing here calls the cloud: the
 * plan is built from the inventory (metadata only), the links and the settings.
 */
import { and, eq, inArray, notInArray } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit/record";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { rotations, vaults, type RotationTarget } from "../db/schema";
import { dbOf, withTransaction } from "../db/transaction";
import { AppError } from "../errors";
import { readSetting } from "../settings/store";
import { text } from "../validation";
import { loadAppLinks } from "./app-links";
import { TAG_APP_ID, TAG_KEY_ID, TAG_ROTATION_ID, type Link } from "./links";
import { discoverConsumers, type Consumer } from "./consumers";
import { checkPermissions, referencePermissions, type PermissionCheck } from "./permissions";
import { targetKey } from "./traces";
import { alertOnTransition } from "./alerts";
import { initSteps } from "./store";

const planInput = z.object({
  appObjectId: text(200, { min: 1 }),
  keyId: text(64).optional(),
  /** after verification, point versioned consumer references at the new version (the plan offers it) */
  updateReferences: z.boolean().optional(),
});

export interface RotationPlan {
  app: { id: string; appId: string; displayName: string };
  replaces: { keyId: string; displayName: string | null; endDateTime: Date | null } | null;
  validityDays: number;
  newEndDateTime: Date;
  overlapHours: number;
  targets: (RotationTarget & { newExpiry: Date; tags: string[] })[];
  /** links that will NOT be written (suggested or rejected) — shown so nobody is surprised */
  skipped: { vaultName: string; secretName: string; source: string; reason: string }[];
  /** what the identity needs and whether it has it (read live with the consumers; "unknown" without) */
  permissions: PermissionCheck[];
  /** who reads the secrets written (live from ARM; metadata only) */
  consumers: Consumer[];
  consumersError?: string;
  /** target vaults the last scan could not reach or read: their write will likely fail (advisory, not a blocker) */
  warnings: string[];
  /** Settings → Automatic rotation requires an Admin's approval (not the requester's) before a rotation starts */
  needsApproval: boolean;
  blockers: string[];
}

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
  const { app, passwords, links } = await loadAppLinks(ctx, i.appObjectId);
  const policy = await readSetting(ctx, "rotation.policy");
  const { requireApproval } = await readSetting(ctx, "rotation.auto");
  const active = links.filter((l) => l.active);
  const validityDays = active.find((l) => l.validityDays)?.validityDays ?? policy.validityDays;
  const newEnd = new Date(Date.now() + validityDays * 86_400_000);
  const replaces = pickCredential(passwords, links, i.keyId);
  const blockers: string[] = [];
  if (i.keyId && !replaces) blockers.push("That credential is not a current client secret of this app.");
  if (!active.length)
    blockers.push("No Key Vault secret is linked to this app: link one (tags, naming or confirm a suggestion).");
  const db = await dbOf(ctx);
  const running = await db
    .select({ id: rotations.id })
    .from(rotations)
    .where(and(eq(rotations.appObjectId, app.id), notInArray(rotations.state, ["done", "cancelled"])))
    .limit(1);
  if (running.length) blockers.push("A rotation of this app is already in progress or held.");
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

/** The target vaults whose last scan ended without access (firewall, network, permission…), as warnings. */
async function unreachableTargets(ctx: Ctx, targets: { id: string; name: string }[]): Promise<string[]> {
  if (!targets.length) return [];
  const db = await dbOf(ctx);
  const rows = await db
    .select({ name: vaults.name, status: vaults.accessStatus })
    .from(vaults)
    .where(
      inArray(
        vaults.id,
        targets.map((t) => t.id),
      ),
    );
  return rows
    .filter((r) => r.status !== "ok" && r.status !== "unknown")
    .map(
      (r) =>
        `The last scan could not read ${r.name} (${r.status}): the write there will likely fail — the rotation would then be held and its new secret removed again.`,
    );
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
    await initSteps(tx, r.id, targets.map(targetKey));
    // awaiting approval: the Admins' alert rules hear of it in this transaction
    await alertOnTransition(tx, r, []);
    await audit(tx, {
      action: "rotation.started",
      target: { type: "rotation", id: r.id },
      details: {
        app: plan.app.id,
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

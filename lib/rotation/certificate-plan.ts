import type { Ctx } from "../context";
import { notRotatable, sourceOf, type CertificateCredential } from "./certificate-links";
import type { loadAppLinks } from "./app-links";
import { checkPermissions, VAULT_NEEDS } from "./permissions";
import type { RotationPlan } from "./plan-shape";
import { RUNNING, unreachableTargets } from "./plan-checks";

/**
 * A certificate credential's plan: the Key Vault certificate holding its thumbprint gets a new version per its own
 * policy, Graph addKey registers its public part, a signed assertion verifies it, the old key credential goes after
 * the overlap. Copies of the certificate in other vaults are named: the rotation does not update them.
 */
export async function planCertificate(
  ctx: Ctx,
  app: Awaited<ReturnType<typeof loadAppLinks>>["app"],
  cred: CertificateCredential,
  o: { overlapHours: number; needsApproval: boolean; running: boolean; live: boolean },
): Promise<RotationPlan> {
  const source = sourceOf(cred);
  const blockers: string[] = [];
  if (!cred.thumbprint)
    blockers.push(
      "Graph gives no thumbprint for this certificate credential, so no Key Vault certificate can be matched to it.",
    );
  else if (!cred.holders.length)
    blockers.push(
      "No Key Vault certificate in the inventory has this credential's thumbprint: the rotation makes the next version in Key Vault, so the certificate must live there (import it with a policy Key Vault can issue from).",
    );
  else if (!source) blockers.push(notRotatable(cred.holders[0])!);
  if (cred.endDateTime && cred.endDateTime.getTime() <= Date.now())
    blockers.push(
      "This certificate has expired: Graph accepts addKey only with a proof signed by a current certificate of the app. Upload the new certificate by hand (Entra portal) once, then rotations work again.",
    );
  if (source && !source.version)
    blockers.push(`The inventory has no current version of ${source.vaultName}/${source.name}: scan again.`);
  if (o.running) blockers.push(RUNNING);
  const validityDays = (source?.validityMonths ?? 12) * 30;
  const newEnd = new Date(Date.now() + validityDays * 86_400_000);
  const warnings = source ? await unreachableTargets(ctx, [{ id: source.vaultId, name: source.vaultName }]) : [];
  for (const h of cred.holders)
    if (h !== source)
      warnings.push(
        `${h.vaultName}/${h.name} holds a copy of this certificate: the rotation does not update it (its consumers keep the old certificate until it is replaced there).`,
      );
  const permissions =
    o.live && source
      ? await checkPermissions(app, [{ id: source.vaultId, name: source.vaultName }], VAULT_NEEDS.certificate)
      : [];
  return {
    kind: "certificate",
    certificate: source
      ? {
          vaultId: source.vaultId,
          vaultName: source.vaultName,
          vaultUri: source.vaultUri,
          name: source.name,
          oldThumbprint: cred.thumbprint!,
          oldVersion: source.version,
          issuer: source.issuerName,
        }
      : null,
    app: { id: app.id, appId: app.appId, displayName: app.displayName },
    replaces: { keyId: cred.keyId, displayName: cred.displayName, endDateTime: cred.endDateTime },
    validityDays,
    newEndDateTime: newEnd,
    overlapHours: o.overlapHours,
    targets: [],
    skipped: [],
    permissions,
    consumers: [],
    needsApproval: o.needsApproval,
    warnings,
    blockers,
  };
}

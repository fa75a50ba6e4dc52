/** The links of one app registration, read from the inventory (metadata only), the settings and the decisions. */
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import {
  appCredentials,
  appRegistrations,
  assets,
  rotationHintMatches,
  rotationLinkDecisions,
  vaults,
} from "../db/schema";
import { dbOf } from "../db/transaction";
import { AppError } from "../errors";
import { readSetting } from "../settings/store";
import { text } from "../validation";
import { certificateCredentials, type CertificateCredential } from "./certificate-links";
import { linksForApp, type Link, type LinkApp } from "./links";

const appIdInput = z.object({ appObjectId: text(200, { min: 1 }) });

export interface AppWithLinks {
  app: LinkApp & { kind: string; owners: { id: string }[] };
  /** Current client secrets (not removed), newest end last. */
  passwords: { keyId: string; displayName: string | null; endDateTime: Date | null }[];
  links: Link[];
  /** Current certificate credentials, with the Key Vault certificates holding the same thumbprint. */
  certificates: CertificateCredential[];
}

type Db = Awaited<ReturnType<typeof dbOf>>;

/**
 * The inventory's live secrets with their vaults (metadata only): every one for link matching, or with `valueReadable`
 * only those a value read could succeed on (enabled, not managed by Key Vault, in a vault the scan could read).
 */
export async function liveSecrets(db: Db, { valueReadable = false }: { valueReadable?: boolean } = {}) {
  return db
    .select({
      vaultId: assets.vaultId,
      vaultName: vaults.name,
      vaultUri: vaults.vaultUri,
      name: assets.name,
      tags: assets.tags,
      contentType: assets.contentType,
      managed: assets.managed,
    })
    .from(assets)
    .innerJoin(vaults, eq(vaults.id, assets.vaultId))
    .where(
      and(
        eq(assets.type, "secret"),
        isNull(assets.removedAt),
        isNull(vaults.removedAt),
        ...(valueReadable ? [eq(assets.managed, false), eq(assets.enabled, true), eq(vaults.readable, true)] : []),
      ),
    );
}

export async function loadAppLinks(ctx: Ctx, appObjectId: string): Promise<AppWithLinks> {
  const db = await dbOf(ctx);
  const [app] = await db
    .select({
      id: appRegistrations.id,
      appId: appRegistrations.appId,
      displayName: appRegistrations.displayName,
      kind: appRegistrations.kind,
      owners: appRegistrations.owners,
    })
    .from(appRegistrations)
    .where(and(eq(appRegistrations.id, appObjectId), isNull(appRegistrations.removedAt)))
    .limit(1);
  if (!app) throw new AppError("not_found", "No such application in the inventory.");
  const creds = await db
    .select({
      keyId: appCredentials.keyId,
      type: appCredentials.type,
      displayName: appCredentials.displayName,
      endDateTime: appCredentials.endDateTime,
    })
    .from(appCredentials)
    .where(and(eq(appCredentials.appObjectId, appObjectId), isNull(appCredentials.removedAt)));
  const secrets = await liveSecrets(db);
  const decisions = await db
    .select()
    .from(rotationLinkDecisions)
    .where(eq(rotationLinkDecisions.appObjectId, appObjectId));
  const hints = await db.select().from(rotationHintMatches).where(eq(rotationHintMatches.appObjectId, appObjectId));
  const policy = await readSetting(ctx, "rotation.policy");
  const linkApp = { ...app, keyIds: creds.map((c) => c.keyId) };
  const links = linksForApp(
    linkApp,
    secrets.filter((s) => !!s.vaultUri).map((s) => ({ ...s, vaultUri: s.vaultUri! })),
    policy.namingPatterns,
    decisions,
    hints,
  );
  const passwords = creds
    .filter((c) => c.type === "password")
    .sort((a, b) => (a.endDateTime?.getTime() ?? Infinity) - (b.endDateTime?.getTime() ?? Infinity));
  return { app: linkApp, passwords, links, certificates: await certificateCredentials(db, appObjectId) };
}

/** Read verb: an app's links with source and confidence. */
export async function listAppLinks({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<AppWithLinks> {
  assertPermission(ctx, "dashboard:read");
  const { appObjectId } = appIdInput.parse(input);
  return loadAppLinks(ctx, appObjectId);
}

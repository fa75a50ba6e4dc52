/**
 * "Match by hint" (opt-in): Graph gives the first three characters of each client secret (`hint`); this reads the
 * current value of candidate Key Vault secrets and keeps only whether it starts with one of the app's hints. The only
 * place outside a rotation where the product reads secret values, so: off unless an Admin allows it (Settings →
 * Rotation), an Operator's explicit action, at most MAX_READS reads, each value compared in memory and dropped at once
 * (never stored, logged or returned), and audited as a value read with the secrets read.
 * Candidates: the app's suggested links, then secrets whose names look like credentials and that no app links yet.
 */
import { and, eq, isNotNull, isNull } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit/record";
import { assertPermission } from "../auth/authorize";
import { classifyError } from "../cloud/errors";
import { readSecretCurrent } from "../cloud/rotation";
import type { Ctx } from "../context";
import { appCredentials, rotationHintMatches } from "../db/schema";
import { dbOf, withTransaction } from "../db/transaction";
import { AppError } from "../errors";
import { readSetting } from "../settings/store";
import { text } from "../validation";
import { liveSecrets, loadAppLinks } from "./app-links";

export const MAX_READS = 50;
const CREDENTIAL_NAME = /(secret|credential|password|client|sp|spn|key)/i;
const input = z.object({ appObjectId: text(200, { min: 1 }) }).strict();

interface Candidate {
  vaultId: string;
  vaultName: string;
  vaultUri: string;
  name: string;
}

export interface HintResult {
  candidates: number;
  read: number;
  matches: { vaultName: string; secretName: string; keyId: string }[];
  unreadable: { vaultName: string; secretName: string; reason: string }[];
}

export async function matchByHint({ ctx, input: raw }: { ctx: Ctx; input: unknown }): Promise<HintResult> {
  assertPermission(ctx, "rotation:run");
  const { appObjectId } = input.parse(raw);
  const policy = await readSetting(ctx, "rotation.policy");
  if (!policy.matchByHint)
    throw new AppError(
      "conflict",
      "Match by hint is off. It reads secret values, so an Admin must allow it in Settings → Rotation.",
    );
  const { app, links } = await loadAppLinks(ctx, appObjectId);
  const db = await dbOf(ctx);
  const hints = (
    await db
      .select({ keyId: appCredentials.keyId, hint: appCredentials.hint })
      .from(appCredentials)
      .where(
        and(
          eq(appCredentials.appObjectId, app.id),
          eq(appCredentials.type, "password"),
          isNull(appCredentials.removedAt),
          isNotNull(appCredentials.hint),
        ),
      )
  ).filter((h): h is { keyId: string; hint: string } => !!h.hint && h.hint.length >= 3);
  if (!hints.length) throw new AppError("conflict", "Graph gives no hint for any client secret of this application.");

  const known = new Set(links.map((l) => `${l.secret.vaultId}\0${l.secret.name}`));
  const suggested: Candidate[] = links
    .filter((l) => l.source === "suggested" && l.reason !== "rejected by an Operator")
    .map((l) => ({
      vaultId: l.secret.vaultId,
      vaultName: l.secret.vaultName,
      vaultUri: l.secret.vaultUri,
      name: l.secret.name,
    }));
  const named = (await liveSecrets(db, { valueReadable: true })).filter(
    (s) =>
      !!s.vaultUri &&
      CREDENTIAL_NAME.test(s.name) &&
      !known.has(`${s.vaultId}\0${s.name}`) &&
      // linked to another app by our tags already: not this app's
      !s.tags["cc-app-id"],
  );
  const candidates = [...suggested, ...named.map((s) => ({ ...s, vaultUri: s.vaultUri! }))];
  const toRead = candidates.slice(0, MAX_READS);

  const matches: HintResult["matches"] = [];
  const unreadable: HintResult["unreadable"] = [];
  for (const c of toRead) {
    try {
      const current = await readSecretCurrent(c.vaultUri, c.name, { retry: { attempts: 2, timeoutMs: 10_000 } });
      // the value is compared here and goes out of scope with this iteration
      const hit = current ? hints.find((h) => current.value.startsWith(h.hint)) : undefined;
      if (hit) matches.push({ vaultName: c.vaultName, secretName: c.name, keyId: hit.keyId });
    } catch (e) {
      const k = classifyError(e);
      unreadable.push({
        vaultName: c.vaultName,
        secretName: c.name,
        reason: `${k.kind}${k.status ? ` (HTTP ${k.status})` : ""}`,
      });
    }
  }

  const by = ctx.actor.type === "user" ? ctx.actor.upn : ctx.actor.type === "system" ? ctx.actor.job : "anonymous";
  const vaultIdOf = new Map(toRead.map((c) => [`${c.vaultName}\0${c.name}`, c.vaultId]));
  await withTransaction(ctx, async (tx) => {
    // what was read and no longer matches loses its earlier match
    for (const c of toRead)
      if (!matches.some((m) => m.vaultName === c.vaultName && m.secretName === c.name))
        await tx.db
          .delete(rotationHintMatches)
          .where(
            and(
              eq(rotationHintMatches.appObjectId, app.id),
              eq(rotationHintMatches.vaultId, c.vaultId),
              eq(rotationHintMatches.secretName, c.name),
            ),
          );
    for (const m of matches) {
      const row = {
        vaultId: vaultIdOf.get(`${m.vaultName}\0${m.secretName}`)!,
        secretName: m.secretName,
        appObjectId: app.id,
        keyId: m.keyId,
        matchedBy: by,
      };
      await tx.db
        .insert(rotationHintMatches)
        .values(row)
        .onConflictDoUpdate({
          target: [rotationHintMatches.vaultId, rotationHintMatches.secretName, rotationHintMatches.appObjectId],
          set: { keyId: row.keyId, matchedBy: by, matchedAt: new Date() },
        });
    }
    await audit(tx, {
      action: "rotation.link.hint_checked",
      target: { type: "app", id: app.id },
      details: {
        valueRead: true,
        secretsRead: toRead.map((c) => `${c.vaultName}/${c.name}`),
        candidates: candidates.length,
        matches: matches.map((m) => `${m.vaultName}/${m.secretName}`),
        unreadable: unreadable.length,
      },
    });
  });
  return { candidates: candidates.length, read: toRead.length, matches, unreadable };
}

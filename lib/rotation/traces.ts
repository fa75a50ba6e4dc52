/**
 * What a rotation leaves in the cloud, and how it is found again after a crash: the new credential carries the
 * rotation id in its display name; every secret version it wrote carries the rotation id and key id as tags.
 */
import { listAppPasswords, readSecretCurrent, removeAppPassword } from "../cloud";
import type { Rotation, RotationTarget } from "../db/schema";
import { TAG_KEY_ID, TAG_ROTATION_ID } from "./links";

export const markerOf = (rotationId: string) => `CertifyClouds rotation ${rotationId}`;
export const targetKey = (t: Pick<RotationTarget, "vaultName" | "secretName">) => `${t.vaultName}/${t.secretName}`;

/** Removes every credential of this rotation except `keep` (orphans of a crash, or the failed attempt's). */
export async function removeMarked(r: Rotation, keep: string | null): Promise<string[]> {
  const list = await listAppPasswords(r.appObjectId);
  const mine = list.filter((c) => c.displayName?.startsWith(markerOf(r.id)) && c.keyId !== keep);
  for (const c of mine) await removeAppPassword(r.appObjectId, c.keyId);
  return mine.map((c) => c.keyId);
}

/** The new value from a version this rotation wrote, and the targets that already hold it. */
export async function recoverValue(r: Rotation): Promise<{ value?: string; written: Map<string, string> }> {
  const written = new Map<string, string>();
  let value: string | undefined;
  await Promise.all(
    r.targets.map(async (t) => {
      const cur = await readSecretCurrent(t.vaultUri, t.secretName).catch(() => undefined);
      if (cur && cur.tags[TAG_ROTATION_ID] === r.id && cur.tags[TAG_KEY_ID] === r.newKeyId) {
        written.set(targetKey(t), cur.version);
        value ??= cur.value;
      }
    }),
  );
  return { value, written };
}

/**
 * Channel secrets at rest: AES-256-GCM under a key derived from SECRET_KEY (HKDF, its own label), as
 * `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url). The key id names the key that sealed a value: after SECRET_KEY
 * changes, a value sealed under the key named by SECRET_KEY_PREVIOUS still opens (and reseal.ts seals it again under
 * the new key); under any other key it is reported as "sealed under another key" instead of failing as garbage.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { getConfig } from "../config";
import { AppError } from "../errors";

interface BoxKey {
  id: string;
  key: Buffer;
}

export function deriveChannelKey(secretKey: Buffer): BoxKey {
  const key = Buffer.from(hkdfSync("sha256", secretKey, Buffer.alloc(0), "certifyclouds/alert-channel-secrets/v1", 32));
  return { id: createHash("sha256").update(key).digest("hex").slice(0, 12), key };
}

export const currentKey = (): BoxKey => deriveChannelKey(getConfig().secretKey);

/** The keys a sealed value may name: the current one, then the one SECRET_KEY replaced. */
function knownKeys(): BoxKey[] {
  const previous = getConfig().previousSecretKey;
  return previous ? [currentKey(), deriveChannelKey(previous)] : [currentKey()];
}

export function seal(secrets: Record<string, string>, k: BoxKey = currentKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", k.key, iv);
  cipher.setAAD(Buffer.from(k.id));
  const ct = Buffer.concat([cipher.update(JSON.stringify(secrets), "utf8"), cipher.final()]);
  return [
    "v1",
    k.id,
    iv.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
    ct.toString("base64url"),
  ].join(".");
}

/** The key id a sealed value names (shown to admins to tell which key sealed a channel). */
export function sealedKeyId(box: string): string | undefined {
  return box.split(".")[1];
}

export function open(box: string, keys: BoxKey[] = knownKeys()): Record<string, string> {
  const [v, id, iv, tag, ct] = box.split(".");
  if (v !== "v1" || !ct) throw new AppError("internal", "A channel secret is unreadable.");
  const k = keys.find((key) => key.id === id);
  if (!k)
    throw new AppError(
      "conflict",
      "This channel's secrets were sealed under another SECRET_KEY: set SECRET_KEY_PREVIOUS to that key, or enter them again.",
    );
  const decipher = createDecipheriv("aes-256-gcm", k.key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(id));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  const plain = Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]);
  return JSON.parse(plain.toString("utf8")) as Record<string, string>;
}

import { createHash, createHmac, hkdfSync } from "node:crypto";
import type { AuditRow } from "../db/schema";
import { canonicalJson } from "./canonical";

export const GENESIS_HASH = "0".repeat(64);

/** The fields covered by the chain hash; everything a reader relies on. */
export interface ChainedFields {
  seq: number;
  at: string;
  actorType: string;
  actorId: string;
  actorName: string | null;
  action: string;
  outcome: string;
  targetType: string | null;
  targetId: string | null;
  details: unknown;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** Exactly the chained fields of a row that carries more (a stored or an exported row): the one list of them. */
export function chainedFields(r: ChainedFields): ChainedFields {
  return {
    seq: r.seq,
    at: r.at,
    actorType: r.actorType,
    actorId: r.actorId,
    actorName: r.actorName,
    action: r.action,
    outcome: r.outcome,
    targetType: r.targetType,
    targetId: r.targetId,
    details: r.details,
    ip: r.ip,
    userAgent: r.userAgent,
    requestId: r.requestId,
  };
}

/** The chained fields of a stored row, as record.ts hashed them. */
export function chainedFieldsOfRow(r: AuditRow): ChainedFields {
  return chainedFields({ ...r, at: r.at.toISOString() });
}

export function rowHash(prevHash: string, fields: ChainedFields): string {
  return createHash("sha256").update(prevHash).update("\n").update(canonicalJson(fields)).digest("hex");
}

export interface MacKey {
  id: string;
  key: Buffer;
}

/** A key of its own for the audit MAC, derived from SECRET_KEY; its id lets a rotated key still be recognised. */
export function deriveAuditMacKey(secretKey: Buffer): MacKey {
  const key = Buffer.from(hkdfSync("sha256", secretKey, Buffer.alloc(0), "certifyclouds/audit-mac/v1", 32));
  const id = createHash("sha256").update(key).digest("hex").slice(0, 12);
  return { id, key };
}

/**
 * The keys whose MACs a verifier accepts, newest first: the current key and, while SECRET_KEY is being rotated, the one
 * it replaced (SECRET_KEY_PREVIOUS). Rows are always written with the current key; each row names its key id.
 */
export type MacKeys = readonly MacKey[];

/** One key or the accepted keys, as a list (null: MACs not checked). */
export const asKeys = (k: MacKey | MacKeys | null): MacKeys | null => (k === null ? null : "id" in k ? [k] : k);

/** A row written with `older` after rows of `newer` would mean a key going back: not something a rotation does. */
export function keyOrderBreak(keys: MacKeys, seenNewest: boolean, rowKeyId: string): string | undefined {
  if (seenNewest && rowKeyId !== keys[0]?.id)
    return `MAC key ${rowKeyId} follows rows of the current key ${keys[0]?.id} (a key rotation never goes back)`;
  return undefined;
}

export function unknownKeyReason(rowKeyId: string, keys: MacKeys): string {
  return `MAC key ${rowKeyId} is not the current key ${keys[0]?.id}${keys.length > 1 ? ` nor the previous one ${keys[1].id}` : ""} (was SECRET_KEY changed? set SECRET_KEY_PREVIOUS to the old key)`;
}

export function rowMac(key: MacKey, hash: string): string {
  return createHmac("sha256", key.key).update(hash).digest("hex");
}

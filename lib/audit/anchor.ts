/**
 * Chain-head anchoring (ADR 0007). A hash chain cannot show that its newest rows were deleted: the shorter chain is
 * still valid. So the head (sequence + hash) is written, MAC'd, as a new version of a Key Vault secret the database
 * administrator cannot rewrite, and verification checks the live chain still contains the anchored row.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { assertPermission } from "../auth/authorize";
import { readLatestAnchorSecret, writeAnchorSecret } from "../cloud/anchor-secret";
import { getConfig } from "../config";
import type { Ctx } from "../context";
import type { DbOrTx } from "../db/client";
import { auditLog } from "../db/schema";
import { dbOf } from "../db/transaction";
import { asKeys, deriveAuditMacKey, type MacKey, type MacKeys } from "./chain";
import { chainHead } from "./export";
export { checkAgainstAnchor, type AnchorCheck } from "./anchor-check";
import type { AnchorRef, ChainHead } from "./export-format";
import { audit } from "./record";
import { applicationMacKeys } from "./verify";

export const ANCHOR_WRITTEN = "audit.anchor.written";

const anchorSchema = z.object({
  v: z.literal(1),
  seq: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string(),
  keyId: z.string(),
  mac: z.string(),
});

function anchorMac(key: MacKey, a: { seq: number; hash: string; at: string }): string {
  return createHmac("sha256", key.key).update(`certifyclouds-anchor/v1\n${a.seq}\n${a.hash}\n${a.at}`).digest("hex");
}

/** Parses a stored anchor; with a key, a value whose MAC does not hold is refused (someone else wrote it). */
export function parseAnchor(value: string, macKey: MacKey | MacKeys | null, location: string): AnchorRef {
  const a = anchorSchema.parse(JSON.parse(value));
  const keys = asKeys(macKey);
  if (keys) {
    // an anchor written before a key rotation carries the previous key's MAC
    const key = keys.find((k) => k.id === a.keyId);
    const want = key && Buffer.from(anchorMac(key, a));
    if (!want || want.length !== a.mac.length || !timingSafeEqual(want, Buffer.from(a.mac)))
      throw new Error("the anchor's MAC does not match the audit key");
  }
  return { seq: a.seq, hash: a.hash, at: a.at, location };
}

export function anchorConfigured(): boolean {
  return !!getConfig().auditAnchor.vaultUrl;
}

/** The newest anchor, or null when anchoring is not configured or nothing was anchored yet. */
export async function latestAnchor(key: MacKey | MacKeys | null = applicationMacKeys()): Promise<AnchorRef | null> {
  const { vaultUrl, secretName } = getConfig().auditAnchor;
  if (!vaultUrl) return null;
  const stored = await readLatestAnchorSecret(vaultUrl, secretName);
  if (!stored) return null;
  return parseAnchor(stored.value, key, `${vaultUrl.replace(/\/$/, "")}/secrets/${secretName}/${stored.version}`);
}

/** Only anchor rows since the last anchor: nothing new to anchor (else each anchor would call for the next). */
async function onlyAnchorRowsSince(db: DbOrTx, last: AnchorRef | null, head: ChainHead): Promise<boolean> {
  if (!last) return false;
  if (head.seq === last.seq) return true;
  if (head.seq - last.seq > 1) return false;
  const [row] = await db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.seq, head.seq));
  return row?.action === ANCHOR_WRITTEN;
}

export type AnchorResult =
  { status: "not-configured" | "unchanged" | "empty" } | { status: "written"; anchor: AnchorRef };

/**
 * Writes the current head as a new anchor version (the scheduler's `audit-anchor` job, and every evidence export).
 * The write is audited, so the anchor row itself is covered by the next anchor.
 */
export async function writeAuditAnchor({ ctx, now = new Date() }: { ctx: Ctx; now?: Date }): Promise<AnchorResult> {
  assertPermission(ctx, "evidence:export");
  const { vaultUrl, secretName } = getConfig().auditAnchor;
  if (!vaultUrl) return { status: "not-configured" };
  const db = await dbOf(ctx);
  const head = await chainHead(db);
  if (!head) return { status: "empty" };
  const key = deriveAuditMacKey(getConfig().secretKey);
  const last = await latestAnchor().catch(() => null);
  if (await onlyAnchorRowsSince(db, last, head)) return { status: "unchanged" };
  const at = now.toISOString();
  const value = JSON.stringify({
    v: 1,
    seq: head.seq,
    hash: head.hash,
    at,
    keyId: key.id,
    mac: anchorMac(key, { ...head, at }),
  });
  const stored = await writeAnchorSecret(vaultUrl, secretName, value, { seq: String(head.seq), hash: head.hash });
  const anchor: AnchorRef = {
    ...head,
    at,
    location: `${vaultUrl.replace(/\/$/, "")}/secrets/${secretName}/${stored.version}`,
  };
  await audit(ctx, {
    action: ANCHOR_WRITTEN,
    target: { type: "audit-anchor", id: `${head.seq}` },
    details: { seq: head.seq, hash: head.hash, version: stored.version },
  });
  return { status: "written", anchor };
}

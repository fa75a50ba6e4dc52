import { asc, gt } from "drizzle-orm";
import { getConfig } from "../config";
import type { DbOrTx } from "../db/client";
import { auditLog } from "../db/schema";
import {
  asKeys,
  chainedFieldsOfRow,
  deriveAuditMacKey,
  GENESIS_HASH,
  keyOrderBreak,
  rowHash,
  rowMac,
  unknownKeyReason,
  type MacKey,
  type MacKeys,
} from "./chain";

export interface VerifyResult {
  ok: boolean;
  rowsChecked: number;
  headHash: string;
  /** False when verified without a key: sequence, links and hashes only. */
  macChecked: boolean;
  firstBad?: { seq: number; reason: string };
}

const BATCH = 2000;

/** The application's audit MAC keys: SECRET_KEY's, then SECRET_KEY_PREVIOUS's while a rotation is under way. */
export function applicationMacKeys(): MacKeys {
  const cfg = getConfig();
  const current = deriveAuditMacKey(cfg.secretKey);
  return cfg.previousSecretKey ? [current, deriveAuditMacKey(cfg.previousSecretKey)] : [current];
}

/**
 * Walks the whole chain in order and names the first row whose sequence, link, hash or MAC does not hold. `macKey`
 * defaults to the application's keys (the current one and SECRET_KEY_PREVIOUS, so rows written before a key rotation
 * still verify); null checks everything but the MACs (a verifier without the key).
 */
export async function verifyAuditChain(
  db: DbOrTx,
  { macKey }: { macKey?: MacKey | MacKeys | null } = {},
): Promise<VerifyResult> {
  const keys = macKey === undefined ? applicationMacKeys() : asKeys(macKey);
  const macChecked = keys !== null;
  let seenNewest = false;
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let rowsChecked = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditLog)
      .where(gt(auditLog.seq, expectedSeq - 1))
      .orderBy(asc(auditLog.seq))
      .limit(BATCH);
    if (rows.length === 0) break;
    for (const r of rows) {
      const bad = (reason: string): VerifyResult => ({
        ok: false,
        rowsChecked,
        macChecked,
        headHash: prevHash,
        firstBad: { seq: r.seq, reason },
      });
      if (r.seq !== expectedSeq)
        return {
          ok: false,
          rowsChecked,
          macChecked,
          headHash: prevHash,
          firstBad: { seq: expectedSeq, reason: `row ${expectedSeq} is missing (next row is ${r.seq})` },
        };
      if (r.prevHash !== prevHash) return bad("previous-hash link does not match the preceding row");
      const recomputed = rowHash(prevHash, chainedFieldsOfRow(r));
      if (recomputed !== r.hash) return bad("content does not match its hash (the row was altered)");
      if (keys) {
        const key = keys.find((k) => k.id === r.keyId);
        if (!key) return bad(unknownKeyReason(r.keyId, keys));
        const back = keyOrderBreak(keys, seenNewest, r.keyId);
        if (back) return bad(back);
        seenNewest ||= key === keys[0];
        if (rowMac(key, r.hash) !== r.mac) return bad("MAC does not match (hash rewritten without the key)");
      }
      prevHash = r.hash;
      expectedSeq++;
      rowsChecked++;
    }
  }
  return { ok: true, rowsChecked, macChecked, headHash: prevHash };
}

/** The MAC key id the chain's first row was written with (undefined for an empty log). */
export async function firstRowKeyId(db: DbOrTx): Promise<string | undefined> {
  const [row] = await db.select({ keyId: auditLog.keyId }).from(auditLog).orderBy(asc(auditLog.seq)).limit(1);
  return row?.keyId;
}

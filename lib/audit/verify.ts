import { asc, gt } from "drizzle-orm";
import { getConfig } from "../config";
import type { DbOrTx } from "../db/client";
import { auditLog } from "../db/schema";
import { chainedFieldsOfRow, deriveAuditMacKey, GENESIS_HASH, rowHash, rowMac, type MacKey } from "./chain";

export interface VerifyResult {
  ok: boolean;
  rowsChecked: number;
  headHash: string;
  /** False when verified without a key: sequence, links and hashes only. */
  macChecked: boolean;
  firstBad?: { seq: number; reason: string };
}

const BATCH = 2000;

/**
 * Walks the whole chain in order and names the first row whose sequence, link, hash or MAC does not hold. `macKey`
 * defaults to the application's key; null checks everything but the MACs (a verifier without the key).
 */
export async function verifyAuditChain(db: DbOrTx, { macKey }: { macKey?: MacKey | null } = {}): Promise<VerifyResult> {
  const key = macKey === undefined ? deriveAuditMacKey(getConfig().secretKey) : macKey;
  const macChecked = key !== null;
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
      if (key) {
        if (r.keyId !== key.id)
          return bad(`MAC key ${r.keyId} is not the current key ${key.id} (was SECRET_KEY changed?)`);
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

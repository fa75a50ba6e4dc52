import { desc, sql } from "drizzle-orm";
import { getConfig } from "../config";
import type { Ctx } from "../context";
import { auditLog } from "../db/schema";
import { withTransaction } from "../db/transaction";
import { deriveAuditMacKey, GENESIS_HASH, rowHash, rowMac, type ChainedFields } from "./chain";
import { redactDetails } from "./redact";

/** Every writer takes this transaction-scoped lock before reading the chain head, so the chain never forks. */
const AUDIT_CHAIN_LOCK = 7_314_002;

export interface AuditEntry {
  action: string;
  outcome?: "success" | "failure" | "denied";
  target?: { type: string; id: string };
  details?: Record<string, unknown>;
}

function actorFields(ctx: Ctx): Pick<ChainedFields, "actorType" | "actorId" | "actorName"> {
  const a = ctx.actor;
  if (a.type === "user") return { actorType: "user", actorId: a.oid, actorName: a.upn };
  if (a.type === "system") return { actorType: "system", actorId: a.job, actorName: null };
  return { actorType: "anonymous", actorId: "anonymous", actorName: null };
}

/**
 * Appends one audit row through `ctx.db`: inside a transaction (TxCtx) the entry commits or rolls back together with
 * the change it describes; otherwise (e.g. a denied request) it gets a transaction of its own, so the chain lock is
 * held until the insert commits.
 */
export async function audit(ctx: Ctx, entry: AuditEntry): Promise<{ seq: number; hash: string }> {
  return withTransaction(ctx, async ({ db: t }) => {
    await t.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
    const [head] = await t
      .select({ seq: auditLog.seq, hash: auditLog.hash })
      .from(auditLog)
      .orderBy(desc(auditLog.seq))
      .limit(1);
    const fields: ChainedFields = {
      seq: (head?.seq ?? 0) + 1,
      at: new Date().toISOString(),
      ...actorFields(ctx),
      action: entry.action,
      outcome: entry.outcome ?? "success",
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id ?? null,
      // Not a chained field of its own: the hash covers it through details, so the chain's field set stays fixed.
      details: redactDetails({
        ...entry.details,
        ...(ctx.request.ingressRequestId ? { ingressRequestId: ctx.request.ingressRequestId } : {}),
      }),
      ip: ctx.request.ip ?? null,
      userAgent: ctx.request.userAgent?.slice(0, 512) ?? null,
      requestId: ctx.request.requestId,
    };
    const prevHash = head?.hash ?? GENESIS_HASH;
    const hash = rowHash(prevHash, fields);
    const key = deriveAuditMacKey(getConfig().secretKey);
    await t.insert(auditLog).values({
      ...fields,
      at: new Date(fields.at),
      details: fields.details as object,
      prevHash,
      hash,
      mac: rowMac(key, hash),
      keyId: key.id,
    });
    return { seq: fields.seq, hash };
  });
}

import { and, asc, desc, gt, gte, lte } from "drizzle-orm";
import { z } from "zod";
import { assertPermission } from "../auth/authorize";
import { getConfig } from "../config";
import type { Ctx } from "../context";
import { auditLog } from "../db/schema";
import { dbOf } from "../db/transaction";
import { isoDate } from "../validation";
import { deriveAuditMacKey } from "./chain";
import {
  EXPORT_FORMAT,
  exportedRow,
  manifestMac,
  rowsDigest,
  type AnchorRef,
  type ChainHead,
  type ExportManifest,
} from "./export-format";
import type { DbOrTx } from "../db/client";
import type { AuditRow } from "../db/schema";

export const auditPeriodInput = z.object({
  from: isoDate("start", "From").optional(),
  to: isoDate("end", "To").optional(),
});
export type AuditPeriod = z.infer<typeof auditPeriodInput>;

const BATCH = 1000;

export async function chainHead(db: DbOrTx): Promise<ChainHead | null> {
  const [row] = await db
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .orderBy(desc(auditLog.seq))
    .limit(1);
  return row ?? null;
}

/** The period's rows in sequence order, a batch at a time (keyset on seq), so memory stays flat. */
export async function* auditRowsInPeriod(db: DbOrTx, period: AuditPeriod): AsyncGenerator<AuditRow[]> {
  let after = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditLog)
      .where(
        and(
          gt(auditLog.seq, after),
          period.from ? gte(auditLog.at, period.from) : undefined,
          period.to ? lte(auditLog.at, period.to) : undefined,
        ),
      )
      .orderBy(asc(auditLog.seq))
      .limit(BATCH);
    if (rows.length > 0) yield rows;
    if (rows.length < BATCH) return;
    after = rows[rows.length - 1].seq;
  }
}

function actorLabel(ctx: Ctx): string {
  const a = ctx.actor;
  return a.type === "user" ? a.upn : a.type === "system" ? `system:${a.job}` : "anonymous";
}

/**
 * The audit log of a period as JSONL: one line per row with its hash, MAC and key id, then a manifest MAC'd with the
 * audit key that carries the row count, the digest of the row hashes, the live chain head and the newest anchor.
 * The caller audits the export (the route, in its own transaction, before the stream starts).
 */
export async function* exportAuditJsonl({
  ctx,
  input,
  anchor = null,
  now = new Date(),
}: {
  ctx: Ctx;
  input: unknown;
  anchor?: AnchorRef | null;
  now?: Date;
}): AsyncGenerator<string> {
  assertPermission(ctx, "evidence:export");
  const period = auditPeriodInput.parse(input ?? {});
  const db = await dbOf(ctx);
  const key = deriveAuditMacKey(getConfig().secretKey);
  const head = await chainHead(db);
  const digest = rowsDigest();
  let rowCount = 0;
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  let startPrevHash: string | null = null;
  for await (const rows of auditRowsInPeriod(db, period)) {
    // never past the head read above: rows appended while exporting belong to the next export
    const inScope = head ? rows.filter((r) => r.seq <= head.seq) : [];
    if (inScope.length === 0) break;
    if (firstSeq === null) {
      firstSeq = inScope[0].seq;
      startPrevHash = inScope[0].prevHash;
    }
    for (const r of inScope) digest.add(r.hash);
    rowCount += inScope.length;
    lastSeq = inScope[inScope.length - 1].seq;
    yield inScope.map((r) => `${JSON.stringify(exportedRow(r))}\n`).join("");
  }
  const body: Omit<ExportManifest, "mac"> = {
    type: "manifest",
    format: EXPORT_FORMAT,
    period: { from: period.from?.toISOString() ?? null, to: period.to?.toISOString() ?? null },
    exportedAt: now.toISOString(),
    exportedBy: actorLabel(ctx),
    rowCount,
    firstSeq,
    lastSeq,
    startPrevHash,
    rowsDigest: digest.hex(),
    head,
    anchor,
    keyId: key.id,
  };
  yield `${JSON.stringify({ ...body, mac: manifestMac(key, body) })}\n`;
}

import { and, count, desc, eq, gte, ilike, lte, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import { isoDate, text, wholeNumber } from "../validation";
import type { Ctx } from "../context";
import { assertPermission } from "../auth/authorize";
import { dbOf } from "../db/transaction";
import { auditLog, type AuditRow } from "../db/schema";

export const auditQueryInput = z.object({
  from: isoDate("start", "From").optional(),
  to: isoDate("end", "To").optional(),
  actor: text(200).optional(),
  action: text(100).optional(),
  target: text(300).optional(),
  page: wholeNumber(1, 100_000).default(1),
  pageSize: wholeNumber(10, 200).default(50),
});
export type AuditQuery = z.infer<typeof auditQueryInput>;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Server-side filtered, paginated read of the audit log (newest first). */
export async function listAudit({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<{ rows: AuditRow[]; total: number; query: AuditQuery }> {
  assertPermission(ctx, "audit:read");
  const db = await dbOf(ctx);
  const q = auditQueryInput.parse(input);
  const where: SQL[] = [];
  if (q.from) where.push(gte(auditLog.at, q.from));
  if (q.to) where.push(lte(auditLog.at, q.to));
  if (q.actor) where.push(or(ilike(auditLog.actorName, `%${escapeLike(q.actor)}%`), eq(auditLog.actorId, q.actor))!);
  if (q.action) where.push(ilike(auditLog.action, `${escapeLike(q.action)}%`));
  if (q.target) where.push(or(eq(auditLog.targetId, q.target), ilike(auditLog.targetId, `%${escapeLike(q.target)}%`))!);
  const cond = where.length ? and(...where) : undefined;
  const [rows, [{ n }]] = await Promise.all([
    db
      .select()
      .from(auditLog)
      .where(cond)
      .orderBy(desc(auditLog.seq))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    db.select({ n: count() }).from(auditLog).where(cond),
  ]);
  return { rows, total: Number(n), query: q };
}

export async function distinctAuditActions(ctx: Ctx): Promise<string[]> {
  assertPermission(ctx, "audit:read");
  const db = await dbOf(ctx);
  const rows = await db.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(auditLog.action);
  return rows.map((r) => r.action);
}

/**
 * Generated reports: generate (and keep until the retention setting's end), list, download. Every generation and
 * every download is audited in the same transaction as the row it writes or reads; the audit entry carries the file's
 * SHA-256, so the log itself says which bytes were handed out.
 */
import { and, desc, eq, gt, lt } from "drizzle-orm";
import { z } from "zod";
import { emitAlert } from "../alerts/emit";
import { audit } from "../audit/record";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { reports, type ReportRow } from "../db/schema";
import { dbOf, withTransaction } from "../db/transaction";
import { AppError } from "../errors";
import { getSetting } from "../settings/store";
import { guid } from "../validation";

const DAY = 86_400_000;

export type ReportMeta = Omit<ReportRow, "content">;

function createdByOf(ctx: Ctx): string {
  const a = ctx.actor;
  return a.type === "user" ? a.upn : a.type === "system" ? `system:${a.job}` : "anonymous";
}

export async function storeReport(
  ctx: Ctx,
  r: {
    kind: ReportRow["kind"];
    title: string;
    params: Record<string, unknown>;
    pdf: Buffer;
    sha256: string;
    pages?: number;
    /** raise a `report.ready` alert in the same transaction (the monthly package) */
    announce?: boolean;
  },
  now: Date,
): Promise<ReportMeta> {
  return withTransaction(ctx, async (tx) => {
    const { days } = await getSetting(tx.db, "reports.retention");
    // retention: whatever has run out goes before the new one is kept
    await tx.db.delete(reports).where(lt(reports.expiresAt, now));
    const [row] = await tx.db
      .insert(reports)
      .values({
        kind: r.kind,
        title: r.title,
        params: r.params,
        createdAt: now,
        createdBy: createdByOf(ctx),
        expiresAt: new Date(now.getTime() + days * DAY),
        sha256: r.sha256,
        bytes: r.pdf.length,
        pages: r.pages ?? null,
        content: r.pdf,
      })
      .returning({ id: reports.id });
    await audit(tx, {
      action: "report.generated",
      target: { type: "report", id: row.id },
      details: { kind: r.kind, title: r.title, sha256: r.sha256, bytes: r.pdf.length, params: r.params },
    });
    if (r.announce)
      await emitAlert(
        tx,
        {
          type: "report.ready",
          itemKey: `report:${row.id}`,
          title: `${r.title} is ready`,
          summary: `Download it from Reports in the console (Auditor role). Its SHA-256 is ${r.sha256}.`,
          facts: [
            { name: "Report", value: r.title },
            { name: "SHA-256", value: r.sha256 },
            ...(r.pages ? [{ name: "Pages", value: String(r.pages) }] : []),
          ],
          link: "/reports",
          data: { reportId: row.id, title: r.title.slice(0, 400), sha256: r.sha256, pages: r.pages ?? null },
        },
        now,
      );
    const [meta] = await tx.db.select(metaColumns).from(reports).where(eq(reports.id, row.id));
    return meta;
  });
}

const metaColumns = {
  id: reports.id,
  kind: reports.kind,
  title: reports.title,
  params: reports.params,
  createdAt: reports.createdAt,
  createdBy: reports.createdBy,
  expiresAt: reports.expiresAt,
  sha256: reports.sha256,
  bytes: reports.bytes,
  pages: reports.pages,
};

/** Reports still within retention, newest first. */
export async function listReports({ ctx, now = new Date() }: { ctx: Ctx; now?: Date }): Promise<ReportMeta[]> {
  assertPermission(ctx, "evidence:export");
  const db = await dbOf(ctx);
  return db
    .select(metaColumns)
    .from(reports)
    .where(gt(reports.expiresAt, now))
    .orderBy(desc(reports.createdAt))
    .limit(200);
}

export const downloadReportInput = z.object({ id: guid("Report") }).strip();

export async function downloadReport({
  ctx,
  input,
  now = new Date(),
}: {
  ctx: Ctx;
  input: unknown;
  now?: Date;
}): Promise<{ meta: ReportMeta; content: Buffer }> {
  assertPermission(ctx, "evidence:export");
  const { id } = downloadReportInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .select()
      .from(reports)
      .where(and(eq(reports.id, id.toLowerCase()), gt(reports.expiresAt, now)));
    if (!row) throw new AppError("not_found", "That report does not exist or has passed its retention.");
    await audit(tx, {
      action: "report.downloaded",
      target: { type: "report", id: row.id },
      details: { kind: row.kind, sha256: row.sha256, bytes: row.bytes },
    });
    const { content, ...meta } = row;
    return { meta, content };
  });
}

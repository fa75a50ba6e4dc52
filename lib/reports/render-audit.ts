import { createElement } from "react";
import { and, count, gte, lte } from "drizzle-orm";
import { auditRowsInPeriod, chainHead, type AuditPeriod } from "../audit/export";
import type { AnchorRef } from "../audit/export-format";
import { getConfig } from "../config";
import type { Ctx } from "../context";
import type { DbOrTx } from "../db/client";
import { auditLog } from "../db/schema";
import { version } from "../../package.json";
import { AuditDocument, type AuditPdfData } from "./pdf/audit-document";
import { renderPdfDocument, type RenderedPdf } from "./render";

/** The PDF lists at most this many entries (the JSONL and CSV exports have every one). */
const MAX_ROWS = 5000;

export async function renderAuditLogPdf(args: {
  db: DbOrTx;
  period: AuditPeriod;
  anchor: AnchorRef | null;
  ctx: Ctx;
  now: Date;
}): Promise<RenderedPdf & { rows: number }> {
  const { db, period, anchor, ctx, now } = args;
  const rows: AuditPdfData["rows"] = [];
  for await (const batch of auditRowsInPeriod(db, period)) {
    for (const r of batch) {
      if (rows.length >= MAX_ROWS) break;
      rows.push({
        seq: r.seq,
        at: r.at.toISOString().replace("T", " ").slice(0, 19),
        actor: r.actorName ?? (r.actorType === "system" ? `system: ${r.actorId}` : r.actorId),
        action: r.action,
        outcome: r.outcome,
        // an ARM id's last segment is the resource's name; the full id is in the JSONL and CSV exports
        target: r.targetType ? `${r.targetType} ${r.targetId?.split("/").pop() ?? ""}`.trim() : "",
        hash: r.hash.slice(0, 12),
      });
    }
    if (rows.length >= MAX_ROWS) break;
  }
  const [{ n }] = await db
    .select({ n: count() })
    .from(auditLog)
    .where(
      and(period.from ? gte(auditLog.at, period.from) : undefined, period.to ? lte(auditLog.at, period.to) : undefined),
    );
  const a = ctx.actor;
  const data: AuditPdfData = {
    tenant: getConfig().tenantDisplayName ?? getConfig().auth.tenantId ?? "Entra tenant",
    period: { from: period.from?.toISOString() ?? null, to: (period.to ?? now).toISOString() },
    generatedAt: now.toISOString(),
    generatedBy:
      a.type === "user" ? `${a.name} <${a.upn}>` : a.type === "system" ? `scheduled job ${a.job}` : "anonymous",
    productVersion: `CertifyClouds ${version}`,
    head: await chainHead(db),
    anchor,
    total: Number(n),
    rows,
  };
  const out = await renderPdfDocument(createElement(AuditDocument, { data }), [], now);
  return { ...out, rows: Number(n) };
}

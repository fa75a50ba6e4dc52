import { z } from "zod";
import { audit } from "../audit/record";
import { anchorConfigured, latestAnchor, writeAuditAnchor } from "../audit/anchor";
import { auditPeriodInput, chainHead } from "../audit/export";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { dbOf } from "../db/transaction";
import { collectEvidence, evidenceInput } from "./collect";
import { renderAuditLogPdf } from "./render-audit";
import { renderEvidencePdf } from "./render";
import { storeReport, type ReportMeta } from "./store";

const pageCount = (pdf: Buffer) => (pdf.toString("latin1").match(/\/Type \/Page\b/g) ?? []).length;

/** Gathers, renders and keeps an evidence package; the generation is audited with the file's SHA-256. */
export async function generateEvidencePackage({
  ctx,
  input,
  now = new Date(),
  announce = false,
}: {
  ctx: Ctx;
  input: unknown;
  now?: Date;
  /** raise the `report.ready` alert with the stored package (the monthly job) */
  announce?: boolean;
}): Promise<ReportMeta> {
  assertPermission(ctx, "evidence:export");
  const params = evidenceInput.parse(input ?? {});
  const { data, attachments } = await collectEvidence({ ctx, input: params, now });
  const { pdf, sha256 } = await renderEvidencePdf(data, attachments);
  return storeReport(
    ctx,
    {
      kind: "evidence",
      title: `Evidence package ${data.meta.period.from.slice(0, 10)} to ${data.meta.period.to.slice(0, 10)}`,
      params: {
        subscriptions: params.subscriptions,
        from: data.meta.period.from,
        to: data.meta.period.to,
        sections: data.meta.sections,
        attachments: data.attachments.map((a) => ({ name: a.name, sha256: a.sha256 })),
      },
      pdf,
      sha256,
      pages: pageCount(pdf),
      announce,
    },
    now,
  );
}

export const auditPdfInput = auditPeriodInput;

/** The audit log of a period as a PDF for people (the JSONL export is the machine-verifiable one). */
export async function generateAuditLogPdf({
  ctx,
  input,
  now = new Date(),
}: {
  ctx: Ctx;
  input: unknown;
  now?: Date;
}): Promise<ReportMeta> {
  assertPermission(ctx, "evidence:export");
  const period = auditPdfInput.parse(input ?? {});
  if (anchorConfigured()) await writeAuditAnchor({ ctx, now }).catch(() => undefined);
  const anchor = anchorConfigured() ? await latestAnchor().catch(() => null) : null;
  const { pdf, sha256, rows } = await renderAuditLogPdf({ db: await dbOf(ctx), period, anchor, ctx, now });
  const from = period.from?.toISOString().slice(0, 10) ?? "start";
  const to = period.to?.toISOString().slice(0, 10) ?? now.toISOString().slice(0, 10);
  return storeReport(
    ctx,
    {
      kind: "audit-log",
      title: `Audit log ${from} to ${to} (${rows} rows)`,
      params: { from, to, rows },
      pdf,
      sha256,
      pages: pageCount(pdf),
    },
    now,
  );
}

export const auditExportInput = auditPeriodInput.extend({ format: z.enum(["jsonl", "csv"]).default("jsonl") });

/** Audits an audit-log export before it streams (the stream itself cannot roll back). */
export async function recordAuditExport(ctx: Ctx, input: z.infer<typeof auditExportInput>): Promise<void> {
  assertPermission(ctx, "evidence:export");
  const head = await chainHead(await dbOf(ctx));
  await audit(ctx, {
    action: "audit.exported",
    details: {
      format: input.format,
      from: input.from?.toISOString() ?? null,
      to: input.to?.toISOString() ?? null,
      headSeq: head?.seq ?? 0,
    },
  });
}

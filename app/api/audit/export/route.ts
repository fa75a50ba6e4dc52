import { exportAuditCsv } from "@/lib/audit/export-csv";
import { exportAuditJsonl } from "@/lib/audit/export";
import { latestAnchor } from "@/lib/audit/anchor";
import { auditExportInput, recordAuditExport } from "@/lib/reports/generate";
import { csvDownload, streamDownload } from "@/lib/web/csv-download";
import { route, routeMethods } from "@/lib/web/route";

export const dynamic = "force-dynamic";

/**
 * The audit log of a period (from, to) as JSONL with each row's hash and a MAC'd manifest (format=jsonl, the default;
 * verify with `npm run audit:verify -- --file`) or as CSV. The export is audited before the stream starts.
 */
const getHandler = route(
  { name: "GET /api/audit/export", access: "evidence:export", input: auditExportInput },
  async ({ ctx, input }) => {
    await recordAuditExport(ctx, input);
    const period = { from: input.from, to: input.to };
    if (input.format === "csv") return csvDownload(exportAuditCsv({ ctx, input: period }), "audit-log");
    const anchor = await latestAnchor().catch(() => null);
    return streamDownload(exportAuditJsonl({ ctx, input: period, anchor }), {
      name: "audit-log",
      ext: "jsonl",
      contentType: "application/jsonl; charset=utf-8",
    });
  },
);

export const { GET, POST, PUT, PATCH, DELETE } = routeMethods({ GET: getHandler });

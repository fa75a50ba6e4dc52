import { z } from "zod";
import { evidenceInput } from "@/lib/reports/collect";
import { auditPdfInput, generateAuditLogPdf, generateEvidencePackage } from "@/lib/reports/generate";
import { listReports } from "@/lib/reports/store";
import { route, routeMethods } from "@/lib/web/route";

export const dynamic = "force-dynamic";

/** Generated reports still within retention, with their SHA-256 (Auditor and above). */
const getHandler = route({ name: "GET /api/reports", access: "evidence:export" }, async ({ ctx }) => ({
  reports: await listReports({ ctx }),
}));

const generateInput = z.discriminatedUnion("kind", [
  evidenceInput.extend({ kind: z.literal("evidence") }),
  auditPdfInput.extend({ kind: z.literal("audit-log") }),
]);

/** Generates an evidence package or an audit log PDF; returns the stored report (id, SHA-256). */
const postHandler = route(
  { name: "POST /api/reports", access: "evidence:export", input: generateInput },
  async ({ ctx, input }) => {
    const { kind, ...rest } = input;
    const report =
      kind === "evidence"
        ? await generateEvidencePackage({ ctx, input: rest })
        : await generateAuditLogPdf({ ctx, input: rest });
    return { report };
  },
);

export const { GET, POST, PUT, PATCH, DELETE } = routeMethods({ GET: getHandler, POST: postHandler });

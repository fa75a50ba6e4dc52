"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { evidenceInput } from "@/lib/reports/collect";
import { auditPdfInput, generateAuditLogPdf, generateEvidencePackage } from "@/lib/reports/generate";
import { action } from "@/lib/web/action";

const generateInput = z.discriminatedUnion("kind", [
  evidenceInput.extend({ kind: z.literal("evidence") }),
  auditPdfInput.extend({ kind: z.literal("audit-log") }),
]);

/** Reports page → generate an evidence package or an audit log PDF (Auditor+); the verbs store and audit it. */
export const generateReport = action(
  { name: "generateReport", access: "evidence:export", input: generateInput },
  async ({ ctx, input }) => {
    const { kind, ...rest } = input;
    const report =
      kind === "evidence"
        ? await generateEvidencePackage({ ctx, input: rest })
        : await generateAuditLogPdf({ ctx, input: rest });
    revalidatePath("/reports");
    return { id: report.id, sha256: report.sha256 };
  },
);

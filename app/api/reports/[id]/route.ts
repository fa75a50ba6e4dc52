import { downloadReport, downloadReportInput } from "@/lib/reports/store";
import { route, routeMethods } from "@/lib/web/route";

export const dynamic = "force-dynamic";

/** One generated report's PDF; the download is audited with its SHA-256 (also sent as a header). */
const getHandler = route(
  { name: "GET /api/reports/[id]", access: "evidence:export", input: downloadReportInput },
  async ({ ctx, input }) => {
    const { meta, content } = await downloadReport({ ctx, input });
    const day = meta.createdAt.toISOString().slice(0, 10);
    return new Response(new Uint8Array(content), {
      headers: {
        "content-type": "application/pdf",
        "content-disposition": `attachment; filename="certifyclouds-${meta.kind}-${day}-${meta.id.slice(0, 8)}.pdf"`,
        "content-length": String(content.length),
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "x-content-sha256": meta.sha256,
      },
    });
  },
);

export const { GET, POST, PUT, PATCH, DELETE } = routeMethods({ GET: getHandler });

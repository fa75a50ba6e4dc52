import { exportFindingsCsv } from "@/lib/compliance/export-findings";
import { listFindingsInput } from "@/lib/compliance/read-findings";
import { csvDownload } from "@/lib/web/csv-download";
import { route, routeMethods } from "@/lib/web/route";

export const dynamic = "force-dynamic";

/** The findings list's filtered view as CSV (same query parameters as /compliance/findings). */
const getHandler = route(
  { name: "GET /api/compliance/findings/export", access: "dashboard:read", input: listFindingsInput },
  async ({ ctx, input }) => csvDownload(exportFindingsCsv({ ctx, input }), "compliance-findings"),
);

export const { GET, POST, PUT, PATCH, DELETE } = routeMethods({ GET: getHandler });

import { exportFindingsCsv, findingsCsvInput } from "@/lib/reports/findings-csv";
import { csvDownload } from "@/lib/web/csv-download";
import { route, routeMethods } from "@/lib/web/route";

export const dynamic = "force-dynamic";

/** Every compliance finding, evaluated now from the inventory, as CSV (streamed batch by batch). */
const getHandler = route(
  { name: "GET /api/findings/export", access: "dashboard:read", input: findingsCsvInput },
  async ({ ctx, input }) => csvDownload(exportFindingsCsv({ ctx, input }), "findings"),
);

export const { GET, POST, PUT, PATCH, DELETE } = routeMethods({ GET: getHandler });

import { exportAssetsCsv, exportAssetsInput } from "@/lib/inventory/export-assets";
import { csvDownload } from "@/lib/web/csv-download";
import { route, routeMethods } from "@/lib/web/route";

export const dynamic = "force-dynamic";

/**
 * The inventory's filtered view as CSV (same query parameters as /inventory), streamed batch by batch
 * (keyset pagination) so 100k rows never sit in memory. Cells are formula-neutralised for spreadsheets.
 */
const getHandler = route(
  { name: "GET /api/inventory/export", access: "dashboard:read", input: exportAssetsInput },
  async ({ ctx, input }) => csvDownload(exportAssetsCsv({ ctx, input }), "inventory"),
);

export const { GET, POST, PUT, PATCH, DELETE } = routeMethods({ GET: getHandler });

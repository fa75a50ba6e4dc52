import { exportAllInput, exportCredentialsCsv } from "@/lib/inventory/export-more";
import { csvDownload } from "@/lib/web/csv-download";
import { route, routeMethods } from "@/lib/web/route";

export const dynamic = "force-dynamic";

/** Every app registration credential (client secrets and certificates: hints and dates only) as CSV. */
const getHandler = route(
  { name: "GET /api/apps/export", access: "dashboard:read", input: exportAllInput },
  async ({ ctx, input }) => csvDownload(exportCredentialsCsv({ ctx, input }), "app-credentials"),
);

export const { GET, POST, PUT, PATCH, DELETE } = routeMethods({ GET: getHandler });

import { exportAllInput, exportCredentialsCsv } from "@/lib/inventory/export-more";
import { csvDownload } from "@/lib/web/csv-download";
import { route } from "@/lib/web/route";

export const dynamic = "force-dynamic";

/** Every app registration credential (client secrets and certificates: hints and dates only) as CSV. */
export const GET = route(
  { name: "GET /api/apps/export", access: "dashboard:read", input: exportAllInput },
  async ({ ctx, input }) => csvDownload(exportCredentialsCsv({ ctx, input }), "app-credentials"),
);

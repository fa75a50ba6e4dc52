import { exportAllInput, exportVaultsCsv } from "@/lib/inventory/export-more";
import { csvDownload } from "@/lib/web/csv-download";
import { route, routeMethods } from "@/lib/web/route";

export const dynamic = "force-dynamic";

/** Every vault's posture (authorization, soft delete, purge protection, network, diagnostics, access) as CSV. */
const getHandler = route(
  { name: "GET /api/vaults/export", access: "dashboard:read", input: exportAllInput },
  async ({ ctx, input }) => csvDownload(exportVaultsCsv({ ctx, input }), "vault-posture"),
);

export const { GET, POST, PUT, PATCH, DELETE } = routeMethods({ GET: getHandler });

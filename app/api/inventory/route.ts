import { listAssets, listAssetsInput } from "@/lib/inventory/list-assets";
import { route } from "@/lib/web/route";

export const dynamic = "force-dynamic";

/** The inventory as JSON: same filters, sort and pagination as the /inventory page. */
export const GET = route(
  { name: "GET /api/inventory", access: "dashboard:read", input: listAssetsInput },
  async ({ ctx, input }) => listAssets({ ctx, input: input }),
);

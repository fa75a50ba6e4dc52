import { listAssets, listAssetsInput } from "@/lib/inventory/list-assets";
import { route, routeMethods } from "@/lib/web/route";

export const dynamic = "force-dynamic";

/** The inventory as JSON: same filters, sort and pagination as the /inventory page. */
const getHandler = route(
  { name: "GET /api/inventory", access: "dashboard:read", input: listAssetsInput },
  async ({ ctx, input }) => listAssets({ ctx, input: input }),
);

export const { GET, POST, PUT, PATCH, DELETE } = routeMethods({ GET: getHandler });

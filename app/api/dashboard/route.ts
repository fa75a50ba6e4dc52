import { dashboardInput, dashboardSummary } from "@/lib/inventory/dashboard-summary";
import { route, routeMethods } from "@/lib/web/route";

export const dynamic = "force-dynamic";

/** The dashboard's aggregates (KPIs, timeline, subscriptions, top risks, last scan) as JSON. */
const getHandler = route(
  { name: "GET /api/dashboard", access: "dashboard:read", input: dashboardInput },
  async ({ ctx, input }) => dashboardSummary({ ctx, input: input }),
);

export const { GET, POST, PUT, PATCH, DELETE } = routeMethods({ GET: getHandler });

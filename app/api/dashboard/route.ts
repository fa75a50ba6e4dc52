import { dashboardInput, dashboardSummary } from "@/lib/inventory/dashboard-summary";
import { route } from "@/lib/web/route";

export const dynamic = "force-dynamic";

/** The dashboard's aggregates (KPIs, timeline, subscriptions, top risks, last scan) as JSON. */
export const GET = route(
  { name: "GET /api/dashboard", access: "dashboard:read", input: dashboardInput },
  async ({ ctx, input }) => dashboardSummary({ ctx, input: input }),
);

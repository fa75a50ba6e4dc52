import { scanIdInput, scanProgress } from "@/lib/discovery";
import { route, routeMethods } from "@/lib/web/route";

export const dynamic = "force-dynamic";

/** One scan's live progress (polled by the Scans page every 1.5 s while it runs). */
const getHandler = route(
  { name: "GET /api/scans/:id", access: "dashboard:read", input: scanIdInput },
  async ({ ctx, input }) => scanProgress({ ctx, input }),
);

export const { GET, POST, PUT, PATCH, DELETE } = routeMethods({ GET: getHandler });

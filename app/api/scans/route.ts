import { requestScan, scanHistory, scanHistoryInput, scanRequestInput } from "@/lib/discovery";
import { route, routeMethods } from "@/lib/web/route";

export const dynamic = "force-dynamic";

/** Scan history, newest first. */
const getHandler = route(
  { name: "GET /api/scans", access: "dashboard:read", input: scanHistoryInput },
  async ({ ctx, input }) => scanHistory({ ctx, input }),
);

/** Queue a scan (409 when one is already queued or running). Body: { mode, scope?, subscriptions?, vaults? }. */
const postHandler = route(
  { name: "POST /api/scans", access: "scan:run", input: scanRequestInput },
  async ({ ctx, input }) => {
    const { scanId } = await requestScan({ ctx, input });
    return Response.json({ scanId }, { status: 202, headers: { "cache-control": "no-store" } });
  },
);

export const { GET, POST, PUT, PATCH, DELETE } = routeMethods({ GET: getHandler, POST: postHandler });

import { requestScan } from "@/lib/discovery";
import { getDb } from "@/lib/db/client";
import { scanHistory, scanHistoryInput } from "@/lib/inventory/scans";
import { startScanInput, toScanRequest } from "@/lib/inventory/scan-request";
import { route } from "@/lib/web/route";

export const dynamic = "force-dynamic";

/** Scan history, newest first. */
export const GET = route(
  { name: "GET /api/scans", access: "dashboard:read", input: scanHistoryInput },
  async ({ ctx, input }) => scanHistory(await getDb(), ctx, input),
);

/** Queue a scan (409 when one is already queued or running). Body: { mode, subscriptions?, vaults? }. */
export const POST = route(
  { name: "POST /api/scans", access: "scan:run", input: startScanInput },
  async ({ ctx, input }) => {
    const { scanId } = await requestScan({ ctx, input: toScanRequest(input) });
    return Response.json({ scanId }, { status: 202, headers: { "cache-control": "no-store" } });
  },
);

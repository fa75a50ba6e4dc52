import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { scanProgress } from "@/lib/inventory/scans";
import { route } from "@/lib/web/route";

export const dynamic = "force-dynamic";

/** One scan's live progress (polled by the Scans page every 1.5 s while it runs). */
export const GET = route(
  { name: "GET /api/scans/:id", access: "dashboard:read", input: z.object({ id: z.uuid() }) },
  async ({ ctx, input }) => scanProgress(await getDb(), ctx, input),
);

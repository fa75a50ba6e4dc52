"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { cancelScan as cancelScanVerb, requestScan, scanRequestInput } from "@/lib/discovery";
import { action } from "@/lib/web/action";

/** Scans page → queue a scan (Operator+). Discovery's requestScan audits it and refuses a second concurrent scan. */
export const startScan = action(
  { name: "startScan", access: "scan:run", input: scanRequestInput },
  async ({ ctx, input }) => {
    const result = await requestScan({ ctx, input });
    revalidatePath("/scans");
    return { scanId: result.scanId };
  },
);

/** Scans page → ask a queued or running scan to stop (Operator+). */
export const cancelScan = action(
  { name: "cancelScan", access: "scan:run", input: z.object({ scanId: z.uuid() }) },
  async ({ ctx, input }) => {
    await cancelScanVerb({ ctx, input });
    revalidatePath("/scans");
    return { cancelled: true };
  },
);

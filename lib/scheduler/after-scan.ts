/**
 * Compliance after a scan, from the scan's finish: in the scan worker job (standalone scheduler) and in the scan
 * thread (in-process mode). A scan that stopped half-way and was handed over is evaluated when it finishes. A failed
 * evaluation never fails the scan: its watermark did not move, so the next evaluation (the refresh job or the next
 * scan) takes the same candidates.
 */
import { getConfig } from "../config";
import type { Ctx } from "../context";
import type { ScanRun } from "../db/schema";
import { logger } from "../log";
import { errorText } from "./run";

const log = logger("scheduler.compliance");

export async function evaluateAfterScan(ctx: Ctx, run: ScanRun): Promise<void> {
  if (run.status === "queued" || run.status === "running") return;
  try {
    const { evaluateCompliance } = await import("../compliance/evaluate-estate");
    const r = await evaluateCompliance({ ctx, input: { trigger: "scan", scanId: run.id } });
    log.info({ scanId: run.id, ...r }, "compliance evaluated");
    if (getConfig().env === "demo") {
      const { seedDemoCompliance } = await import("../compliance/demo-seed");
      if (await seedDemoCompliance(ctx)) log.info("demo compliance history and waivers seeded");
    }
  } catch (e) {
    log.error({ scanId: run.id, err: errorText(e) }, "compliance evaluation failed; the next one catches up");
  }
}

/**
 * Inside the scan thread (a worker_threads Worker started by scan-in-thread.ts): runs one claimed scan with this
 * thread's own database pool and heap, then reports and closes. Built into `scan-worker.js` by
 * infra/build/scheduler-bundle.mjs — the web server's bundle cannot load TypeScript in a thread. Cancellation needs
 * no message (the scan's heartbeat reads the request from the database); a stop arrives as an "abort" message.
 */
import { parentPort, workerData } from "node:worker_threads";
import { learnedVaultChallenges, rememberVaultChallenges, type VaultChallenge } from "../cloud";
import type { Ctx } from "../context";
import { closeDb } from "../db/client";
import { executeScan } from "../discovery";
import { evaluateAfterScan } from "./after-scan";
import { errorText } from "./run";

/** What the scheduler hands the thread: the scan it claimed, as whom, and under which lease. */
export interface ScanThreadData {
  scanId: string;
  /** The lease owner the claim wrote: the thread must renew and fence with the same name. */
  worker: string;
  /** The job run's context without its database handle (a pool cannot cross threads). */
  ctx: Pick<Ctx, "actor" | "request">;
  leaseMs?: number;
  heartbeatMs?: number;
  /** the vault challenges the process has learned (vault-reader.ts): the thread starts with them */
  challenges?: VaultChallenge[];
}

export type ToScanThread = { type: "abort" };
/** Either way the thread hands back the challenges it knows, for the next scan's thread. */
export type FromScanThread = ({ type: "finished"; status: string } | { type: "failed"; error: string }) & {
  challenges?: VaultChallenge[];
};

async function main(port: NonNullable<typeof parentPort>, data: ScanThreadData): Promise<void> {
  const controller = new AbortController();
  port.on("message", (m: ToScanThread) => {
    if (m.type === "abort") controller.abort(new Error("scheduler stopping"));
  });
  // The port must not keep the thread alive once the scan is over.
  port.unref();
  rememberVaultChallenges(data.challenges ?? []);
  let reply: FromScanThread;
  try {
    const run = await executeScan({
      ctx: data.ctx,
      input: { scanId: data.scanId },
      worker: data.worker,
      leaseMs: data.leaseMs,
      heartbeatMs: data.heartbeatMs,
      signal: controller.signal,
    });
    // in this thread's heap, like the scan: the console's heap never holds the estate's facts
    await evaluateAfterScan(data.ctx, run);
    reply = { type: "finished", status: run.status };
  } catch (e) {
    reply = { type: "failed", error: errorText(e) };
  }
  await closeDb().catch(() => undefined);
  port.postMessage({ ...reply, challenges: learnedVaultChallenges() });
}

if (parentPort) void main(parentPort, workerData as ScanThreadData);

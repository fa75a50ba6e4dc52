/**
 * The web process's side of a scan thread (ADR 0006): one worker_threads Worker per claimed scan, with its own V8 heap
 * capped like the standalone scheduler's, so a scan's garbage never lands in the console's heap and all of it is
 * freed when the thread ends. A thread that dies (e.g. ERR_WORKER_OUT_OF_MEMORY) takes only the scan down: the scan
 * keeps its lease until it lapses, and the next claim resumes it.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { ResourceLimits } from "node:worker_threads";
import { learnedVaultChallenges, rememberVaultChallenges } from "../cloud/vault-reader";
import type { FromScanThread, ScanThreadData, ToScanThread } from "./scan-thread";

/**
 * The same old-space cap as the standalone scheduler (`node --max-old-space-size=200`). A 150 MB cap was measured and
 * did not lower the process's peak (608 vs 615 MB, docs/benchmarks.md run E), so the roomier cap stays.
 */
export const SCAN_THREAD_HEAP_MB = 200;

/** The thread's entry as `npm run build` leaves it beside server.js (infra/build/scheduler-bundle.mjs). */
export const SCAN_THREAD_BUNDLE = "scan-worker.js";

export interface ScanThreadOptions {
  /** Path of the bundled thread entry; default `scan-worker.js` in the working directory (the standalone folder). */
  bundle?: string;
  /** Default: old space capped at SCAN_THREAD_HEAP_MB, young generation at SCAN_THREAD_YOUNG_MB. */
  resourceLimits?: ResourceLimits;
}

/**
 * A third of V8's default young generation (48 MB on 64-bit): a scan's garbage is short-lived list pages that die in
 * the nursery either way, and the difference is resident memory that a 1 GiB container shares with the console.
 */
const SCAN_THREAD_YOUNG_MB = 16;

/** The bundled thread entry, when this process has one (a production build); undefined under `next dev` and tsx. */
export function findScanThreadBundle(dir = process.cwd()): string | undefined {
  // turbopackIgnore: a file of the build output found at run time, not a module for Next to trace or bundle
  const file = path.join(/* turbopackIgnore: true */ dir, SCAN_THREAD_BUNDLE);
  return existsSync(/* turbopackIgnore: true */ file) ? file : undefined;
}

/** The thread died without reporting: its scan stays leased until the lease lapses, then it is resumed. */
export class ScanThreadCrash extends Error {
  constructor(cause: unknown, code?: number) {
    const why = cause instanceof Error ? `${(cause as { code?: string }).code ?? cause.name}: ${cause.message}` : "";
    super(`scan thread died${code === undefined ? "" : ` (exit code ${code})`}${why ? `: ${why}` : ""}`, { cause });
    this.name = "ScanThreadCrash";
  }
}

/**
 * Runs the claimed scan in a new thread and settles when the thread has ended: resolves when the scan finished or
 * handed over (after `signal` aborted), rejects with the scan's error or a ScanThreadCrash.
 */
export function runScanInThread(data: ScanThreadData, signal: AbortSignal, opts: ScanThreadOptions = {}) {
  const bundle = opts.bundle ?? findScanThreadBundle();
  if (!bundle) return Promise.reject(new Error(`${SCAN_THREAD_BUNDLE} not found: run npm run build`));
  return new Promise<void>((resolve, reject) => {
    // Taken at run time: Turbopack treats a `new Worker(…)` it can see as a module to bundle (and ignores
    // turbopackIgnore there), which drags the whole project into the server build.
    const { Worker } = process.getBuiltinModule("node:worker_threads");
    const thread = new Worker(bundle, {
      workerData: { ...data, challenges: learnedVaultChallenges() } satisfies ScanThreadData,
      // The young generation is pinned to V8's default size so that heap flags given to the web server (NODE_OPTIONS)
      // for page renders do not also grow the scan thread.
      resourceLimits: opts.resourceLimits ?? {
        maxOldGenerationSizeMb: SCAN_THREAD_HEAP_MB,
        maxYoungGenerationSizeMb: SCAN_THREAD_YOUNG_MB,
      },
    });
    let reply: FromScanThread | undefined;
    let crash: unknown;
    const abort = () => thread.postMessage({ type: "abort" } satisfies ToScanThread);
    if (signal.aborted) abort();
    else signal.addEventListener("abort", abort, { once: true });
    thread.on("message", (m: FromScanThread) => {
      reply = m;
      rememberVaultChallenges(m.challenges ?? []);
      // The scan is over and its pool closed: whatever else the thread holds goes with it.
      void thread.terminate();
    });
    thread.once("error", (e) => (crash = e));
    thread.once("exit", (code) => {
      signal.removeEventListener("abort", abort);
      if (reply?.type === "finished") resolve();
      else if (reply?.type === "failed") reject(new Error(reply.error));
      else reject(new ScanThreadCrash(crash, code));
    });
  });
}

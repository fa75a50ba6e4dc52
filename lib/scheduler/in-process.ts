/**
 * The scheduler inside the web process (`SCHEDULER_IN_PROCESS=true`, the image's single-container mode). Scans run
 * in a worker thread with a capped heap (ADR 0006) whenever that is possible: on PostgreSQL, with the bundled thread
 * entry beside server.js. PGlite lives in this process's memory and cannot be opened from a second thread, and
 * `next dev` has no bundle: there scans run on the web process's own heap, as before.
 */
import { keepNoTallies } from "../compliance/tallies-cache";
import { logger } from "../log";
import { defaultJobs } from "./jobs";
import { findScanThreadBundle } from "./scan-in-thread";
import { startScheduler } from "./scheduler";
import type { SchedulerHandle } from "./types";

export function startInProcessScheduler(database: "postgres" | "pglite"): SchedulerHandle {
  const log = logger("scheduler");
  const bundle = findScanThreadBundle();
  const threaded = database === "postgres" && bundle !== undefined;
  const scheduler = startScheduler({ jobs: defaultJobs(threaded ? { thread: { bundle } } : undefined) });
  if (threaded) {
    // only the refresh job evaluates on this heap; a scan's evaluation runs (and keeps) in its thread
    keepNoTallies();
    log.info({ bundle }, "scans run in a worker thread with a capped heap");
  } else
    log.warn(
      { database, bundle: bundle ?? null },
      "scans run on the web server's heap (needs PostgreSQL and the built scan-worker.js for a scan thread)",
    );
  return scheduler;
}

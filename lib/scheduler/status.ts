/** What status() and /healthz report, built from what the loop knows. Pure: the time is passed in. */
import type { SchedulerJob } from "../db/schema/scheduler";
import type { JobRecord } from "./claims";
import { scopeOf, type JobDefinition, type JobStatus } from "./types";

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Healthy while the loop has completed a tick within two tick periods and is not stopping. */
export function isHealthy(lastTickAt: Date | null, tickMs: number, stopping: boolean, nowMs: number): boolean {
  return !stopping && !!lastTickAt && nowMs - lastTickAt.getTime() <= 2 * tickMs;
}

/**
 * One job's status. `r` is the shared row for a cluster job (the last run by any replica) and this replica's
 * memory for a replica job; a lease is shown only while it is current.
 */
export function jobStatus(
  job: JobDefinition,
  r: (JobRecord & Partial<Pick<SchedulerJob, "lockedBy" | "lockedUntil">>) | undefined,
  here: { instanceId: string; running: boolean; enabled: boolean },
  nowMs: number,
): JobStatus {
  const leased = r?.lockedBy && r.lockedUntil && r.lockedUntil.getTime() > nowMs ? r.lockedBy : null;
  return {
    name: job.name,
    scope: scopeOf(job),
    enabled: here.enabled,
    runningHere: here.running,
    lockedBy: here.running ? here.instanceId : leased,
    nextRunAt: iso(r?.nextRunAt),
    lastStartedAt: iso(r?.lastStartedAt),
    lastFinishedAt: iso(r?.lastFinishedAt),
    lastStatus: r?.lastStatus ?? null,
    lastError: r?.lastError ?? null,
  };
}

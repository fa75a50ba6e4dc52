/**
 * The two kinds of claim a run can hold (see RunClaim in run.ts). A cluster job's claim is its lease row, renewed
 * while the run lasts; a replica job's claim is simply "running here", and its results live in this process's memory.
 */
import type { Db } from "../db/client";
import type { SchedulerJob } from "../db/schema/scheduler";
import { logger } from "../log";
import { recordRunResult, renewLease } from "./leases";
import { errorText, type RunClaim } from "./run";

const log = logger("scheduler");

/** What status() shows for a job: a scheduler_jobs row for cluster jobs, this shape in memory for replica jobs. */
export type JobRecord = Pick<
  SchedulerJob,
  "nextRunAt" | "lastStartedAt" | "lastFinishedAt" | "lastStatus" | "lastError"
>;

export function emptyRecord(): JobRecord {
  return { nextRunAt: null, lastStartedAt: null, lastFinishedAt: null, lastStatus: null, lastError: null };
}

/** Renewal every third of the lease leaves two chances to renew before it expires. */
export const renewalIntervalMs = (leaseMs: number) => Math.max(50, Math.floor(leaseMs / 3));

export function leaseClaim(opts: {
  db: Db;
  name: string;
  holder: string;
  leaseMs: number;
  /** Receives the row as recorded at the end of the run. */
  onRecorded: (row: SchedulerJob) => void;
}): RunClaim {
  const { db, name, holder, leaseMs } = opts;
  return {
    hold(lost) {
      const timer = setInterval(() => {
        renewLease(db, name, holder, leaseMs)
          .then((held) => held || lost())
          .catch((e) => log.warn({ job: name, err: errorText(e) }, "lease renewal failed; retrying"));
      }, renewalIntervalMs(leaseMs));
      timer.unref();
      return () => clearInterval(timer);
    },
    async finish(result) {
      const row = await recordRunResult(db, name, holder, result);
      if (row) opts.onRecorded(row);
      else log.warn({ job: name }, "lease was taken over before the run finished; result not recorded");
    },
  };
}

export function memoryClaim(record: JobRecord): RunClaim {
  return {
    hold: () => () => undefined,
    async finish(result) {
      Object.assign(record, {
        lastFinishedAt: new Date(),
        lastStatus: result.status,
        lastError: result.error,
        nextRunAt: result.nextRunAt,
      });
    },
  };
}

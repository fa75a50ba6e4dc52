/**
 * The scheduler's vocabulary. Everything else in lib/scheduler imports from here, and this file imports nothing from
 * lib/scheduler, so job definitions (jobs.ts) and the loop (scheduler.ts) never import each other in a circle.
 */
import type { Ctx } from "../context";
import type { CronSchedule } from "../cron";
import type { Db } from "../db/client";

export type { CronSchedule } from "../cron";

/** A fixed period between the end of one run and the start of the next. */
export interface IntervalSchedule {
  everyMs: number;
}

/** Either a cron schedule read afresh every tick (e.g. from settings), or a fixed interval. */
export type JobSchedule = (() => Promise<CronSchedule> | CronSchedule) | IntervalSchedule;

/** A job's schedule as read at one tick. */
export type ResolvedSchedule = CronSchedule | IntervalSchedule;

/** "cluster": at most one run at a time across all replicas (leased row). "replica": every replica runs its own copy. */
export type JobScope = "cluster" | "replica";

export interface JobDefinition {
  /** Unique; the primary key in scheduler_jobs and the system actor's job name in the audit log. */
  name: string;
  schedule: JobSchedule;
  /**
   * Called once per run with `systemCtx(name)` — actor `{ type: "system", job: name }` and a fresh request id — which
   * the run passes on to the service verbs it calls, so their audit rows name the job. Must stop promptly when
   * `signal` aborts (shutdown, or this replica lost the job's lease).
   */
  run: (ctx: Ctx, signal: AbortSignal) => Promise<void>;
  /** Default "cluster". */
  scope?: JobScope;
  /** Lease length for cluster jobs (default: the scheduler's leaseMs). Renewed every third of it while running. */
  leaseMs?: number;
  /** A cron job that has never run anywhere runs once right away (a fresh install scans without waiting hours). */
  runOnFirstStart?: boolean;
}

export type RunStatus = "succeeded" | "failed" | "aborted";

/** What a finished run leaves behind: its status, its error (if it failed) and when the job is due next. */
export interface RunResult {
  status: RunStatus;
  error: string | null;
  nextRunAt: Date | null;
}

export interface JobStatus {
  name: string;
  scope: JobScope;
  /** false when the cron schedule is disabled. */
  enabled: boolean;
  /** Running on this replica. */
  runningHere: boolean;
  /** Cluster jobs: the replica holding the lease, if the lease is current. */
  lockedBy: string | null;
  nextRunAt: string | null;
  lastStartedAt: string | null;
  lastFinishedAt: string | null;
  lastStatus: string | null;
  lastError: string | null;
}

export interface SchedulerStatus {
  instanceId: string;
  tickMs: number;
  startedAt: string;
  /** When the loop last completed a tick (null before the first). */
  lastTickAt: string | null;
  lastTickError: string | null;
  stopping: boolean;
  /** The loop has ticked within 2 × tickMs and is not stopping. */
  healthy: boolean;
  jobs: JobStatus[];
}

export interface StartSchedulerOptions {
  /** Default: the product jobs from ./jobs (scheduled scan, scan worker, session cleanup). */
  jobs?: JobDefinition[];
  /** Loop period (default 1000 ms). */
  tickMs?: number;
  /** Identifies this replica in locked_by (default host:pid:random). */
  instanceId?: string;
  /** Aborting it stops the scheduler (same as stop()). */
  signal?: AbortSignal;
  /** Database to coordinate through (default getDb()). */
  db?: Db;
  /** Default lease for cluster jobs (default 60 s). */
  leaseMs?: number;
  /** How long stop() waits for aborted jobs to finish before releasing their leases anyway (default 10 s). */
  graceMs?: number;
  /** Start the timer loop (default true). With false, only tickNow() ticks — for tests. */
  autoTick?: boolean;
}

export interface SchedulerHandle {
  readonly instanceId: string;
  /** Stop claiming, abort running jobs, wait up to graceMs, release leases. Idempotent. Does not close the database. */
  stop(): Promise<void>;
  /** Run one tick now (serialised with the loop). Resolves when the tick is done — jobs it started may still be running. */
  tickNow(): Promise<void>;
  /** Resolves when no job started by this scheduler is running. */
  idle(): Promise<void>;
  status(): SchedulerStatus;
}

export const scopeOf = (job: Pick<JobDefinition, "scope">): JobScope => job.scope ?? "cluster";

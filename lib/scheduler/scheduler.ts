/**
 * The scheduler loop. Every tick, for each job: read its schedule, reconcile its next run (next-run.ts), and if it is
 * due and this replica may run it, start one run (run.ts) — a cluster job only after claiming its lease row
 * (leases.ts), a replica job whenever it is not already running here. All mutable state lives in one Scheduler
 * object; startScheduler() returns a narrow handle to it.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Db } from "../db/client";
import type { SchedulerJob } from "../db/schema/scheduler";
import { logger } from "../log";
import { emptyRecord, leaseClaim, memoryClaim, type JobRecord } from "./claims";
import { defaultJobs } from "./jobs";
import { claimJob, ensureJobRows, readJobRows, releaseAllLeases, releaseLease, storeNextRun } from "./leases";
import { isDue, isEnabled, isFirstStart, reconcileNextRun, scheduleFields } from "./next-run";
import { errorText } from "./run";
import { RunningJobs } from "./running";
import { isHealthy, jobStatus } from "./status";
import {
  scopeOf,
  type JobDefinition,
  type ResolvedSchedule,
  type SchedulerHandle,
  type SchedulerStatus,
  type StartSchedulerOptions,
} from "./types";

// The signature types of startScheduler, for callers that import it from this file.
export type { SchedulerHandle, StartSchedulerOptions } from "./types";

const DEFAULT_TICK_MS = 1000;
const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_GRACE_MS = 10_000;

const log = logger("scheduler");

function defaultInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

class Scheduler {
  readonly instanceId: string;
  private readonly tickMs: number;
  private readonly jobs: JobDefinition[];
  private readonly clusterJobNames: string[];
  private readonly defaultLeaseMs: number;
  private readonly graceMs: number;
  private readonly db?: Db;
  private readonly startedAt = new Date();

  private readonly running = new RunningJobs();
  /** The last scheduler_jobs row seen per cluster job. */
  private readonly rows = new Map<string, SchedulerJob>();
  /** This replica's own record per replica job. */
  private readonly replicaRecords = new Map<string, JobRecord>();
  private readonly enabled = new Map<string, boolean>();
  private rowsEnsured = false;
  private lastTickAt: Date | null = null;
  private lastTickError: string | null = null;
  private stopping = false;
  private stopped?: Promise<void>;
  private timer?: NodeJS.Timeout;
  /** Ticks run one after another, whether started by the timer or by tickNow(). */
  private tickChain: Promise<void> = Promise.resolve();

  constructor(options: StartSchedulerOptions) {
    this.instanceId = options.instanceId ?? defaultInstanceId();
    this.tickMs = options.tickMs ?? DEFAULT_TICK_MS;
    this.defaultLeaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    this.db = options.db;
    this.jobs = options.jobs ?? defaultJobs();
    const names = new Set<string>();
    for (const j of this.jobs) {
      if (names.has(j.name)) throw new Error(`duplicate scheduler job name "${j.name}"`);
      names.add(j.name);
    }
    this.clusterJobNames = this.jobs.filter((j) => scopeOf(j) === "cluster").map((j) => j.name);
  }

  start(signal: AbortSignal | undefined, autoTick: boolean): void {
    if (signal?.aborted) this.stopping = true;
    else signal?.addEventListener("abort", () => void this.stop(), { once: true });
    if (autoTick && !this.stopping) this.scheduleTick(0);
    log.info({ instanceId: this.instanceId, tickMs: this.tickMs }, "scheduler started");
  }

  tickNow(): Promise<void> {
    const p = this.tickChain.then(() => this.tick());
    this.tickChain = p.catch(() => undefined);
    return p;
  }

  idle(): Promise<void> {
    return this.running.idle();
  }

  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  status(): SchedulerStatus {
    const nowMs = Date.now();
    return {
      instanceId: this.instanceId,
      tickMs: this.tickMs,
      startedAt: this.startedAt.toISOString(),
      lastTickAt: this.lastTickAt?.toISOString() ?? null,
      lastTickError: this.lastTickError,
      stopping: this.stopping,
      healthy: isHealthy(this.lastTickAt, this.tickMs, this.stopping, nowMs),
      jobs: this.jobs.map((job) =>
        jobStatus(
          job,
          scopeOf(job) === "cluster" ? this.rows.get(job.name) : this.replicaRecords.get(job.name),
          {
            instanceId: this.instanceId,
            running: this.running.has(job.name),
            enabled: this.enabled.get(job.name) ?? true,
          },
          nowMs,
        ),
      ),
    };
  }

  private scheduleTick(delayMs: number): void {
    this.timer = setTimeout(() => {
      if (this.stopping) return;
      void this.tickNow().finally(() => {
        if (!this.stopping) this.scheduleTick(this.tickMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async database(): Promise<Db> {
    return this.db ?? (await import("../db/client")).getDb();
  }

  private async tick(): Promise<void> {
    if (this.stopping) return;
    try {
      const db = await this.database();
      const dbNow = await this.refreshRows(db);
      for (const job of this.jobs) {
        if (this.stopping) break;
        try {
          if (scopeOf(job) === "cluster") await this.tickClusterJob(db, job, dbNow);
          else await this.tickReplicaJob(job, new Date());
        } catch (e) {
          // One job's trouble (e.g. its schedule could not be stored) must not starve the others.
          log.error({ job: job.name, err: errorText(e) }, "scheduler tick failed for job");
        }
      }
      this.lastTickAt = new Date();
      this.lastTickError = null;
    } catch (e) {
      this.lastTickError = errorText(e);
      log.error({ err: this.lastTickError }, "scheduler tick failed");
    }
  }

  /** Reads the cluster jobs' rows, inserting missing ones, and returns the database clock: it decides what is due. */
  private async refreshRows(db: Db): Promise<Date> {
    if (!this.rowsEnsured) {
      await ensureJobRows(db, this.clusterJobNames);
      this.rowsEnsured = true;
    }
    const { rows, dbNow } = await readJobRows(db, this.clusterJobNames);
    for (const row of rows) this.rows.set(row.name, row);
    if (rows.length < this.clusterJobNames.length) this.rowsEnsured = false; // a row was deleted: re-insert next tick
    return dbNow ?? new Date();
  }

  private async tickClusterJob(db: Db, job: JobDefinition, now: Date): Promise<void> {
    if (this.running.has(job.name)) return;
    const schedule = await this.readSchedule(job);
    if (!schedule) return;
    const row = this.rows.get(job.name);
    let nextRunAt = row?.nextRunAt ?? null;
    const change = isFirstStart(job, schedule, row) ? { next: now } : reconcileNextRun(schedule, nextRunAt, now);
    if (change) {
      const fields = scheduleFields(change, row?.lastError);
      const updated = await storeNextRun(db, job.name, nextRunAt, fields);
      if (updated) this.rows.set(job.name, updated);
      if (fields.lastError)
        log.warn({ job: job.name, error: fields.lastError }, "job schedule is invalid; not scheduling");
      nextRunAt = change.next;
    }
    if (!isDue(nextRunAt, now) || this.stopping) return;

    const leaseMs = job.leaseMs ?? this.defaultLeaseMs;
    const claimed = await claimJob(db, job.name, this.instanceId, leaseMs);
    if (!claimed) return;
    this.rows.set(job.name, claimed);
    if (this.stopping) return releaseLease(db, job.name, this.instanceId);
    const onRecorded = (r: SchedulerJob) => this.rows.set(job.name, r);
    const claim = leaseClaim({ db, name: job.name, holder: this.instanceId, leaseMs, onRecorded });
    this.running.start({ job, schedule, scheduledAt: claimed.nextRunAt, claim });
  }

  private async tickReplicaJob(job: JobDefinition, now: Date): Promise<void> {
    if (this.running.has(job.name) || this.stopping) return;
    const schedule = await this.readSchedule(job);
    if (!schedule) return;
    let record = this.replicaRecords.get(job.name);
    if (!record) this.replicaRecords.set(job.name, (record = emptyRecord()));
    const change = reconcileNextRun(schedule, record.nextRunAt, now);
    if (change) Object.assign(record, scheduleFields(change, record.lastError));
    if (!isDue(record.nextRunAt, now)) return;
    record.lastStartedAt = new Date();
    this.running.start({ job, schedule, scheduledAt: record.nextRunAt, claim: memoryClaim(record) });
  }

  /** The job's schedule as of now; undefined (skip the job this tick) when it could not be read. */
  private async readSchedule(job: JobDefinition): Promise<ResolvedSchedule | undefined> {
    try {
      const schedule = typeof job.schedule === "function" ? await job.schedule() : job.schedule;
      this.enabled.set(job.name, isEnabled(schedule));
      return schedule;
    } catch (e) {
      log.warn({ job: job.name, err: errorText(e) }, "could not read job schedule; skipping this tick");
      return undefined;
    }
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.tickChain; // the tick in flight finishes, claiming nothing more now that stopping is set
    this.running.abortAll(new Error("scheduler stopping"));
    if (!(await this.running.settleWithin(this.graceMs)))
      log.warn(
        { jobs: this.running.names(), graceMs: this.graceMs },
        "jobs did not stop within the grace period; releasing their leases",
      );
    try {
      await releaseAllLeases(await this.database(), this.instanceId, this.running.names());
    } catch (e) {
      log.warn({ err: errorText(e) }, "could not release leases on stop; they expire on their own");
    }
    log.info({ instanceId: this.instanceId }, "scheduler stopped");
  }
}

/** Starts the loop (unless autoTick is false) and returns its handle. Throws on duplicate job names. */
export function startScheduler(options: StartSchedulerOptions = {}): SchedulerHandle {
  const scheduler = new Scheduler(options);
  scheduler.start(options.signal, options.autoTick !== false);
  return {
    instanceId: scheduler.instanceId,
    stop: () => scheduler.stop(),
    tickNow: () => scheduler.tickNow(),
    idle: () => scheduler.idle(),
    status: () => scheduler.status(),
  };
}

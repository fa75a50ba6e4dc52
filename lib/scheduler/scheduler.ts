/**
 * The scheduler core: jobs are data, PostgreSQL (or PGlite) is the coordinator.
 *
 * Every tick, for each job:
 *   1. ensure its row exists in scheduler_jobs;
 *   2. reconcile next_run_at with the job's current schedule (a cron schedule is re-read every tick, so a
 *      changed setting takes effect without a restart; a disabled schedule sets next_run_at to null);
 *   3. if it is due, claim it with ONE conditional UPDATE (lease in locked_by / locked_until) — only the replica
 *      whose UPDATE returns the row runs the job, so two replicas never run the same job at once;
 *   4. run it as the system actor with an AbortSignal, renewing the lease while it runs (a lost lease aborts
 *      the run), then record last status / error and the next run, and release the lease.
 *
 * Jobs with `scope: "replica"` (the scan worker) are not coordinated here: each replica runs its own copy,
 * one run at a time, and whatever they call must do its own atomic claiming.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { and, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import { systemCtx, type Ctx } from "../context";
import type { Db } from "../db/client";
import { schedulerJobs, type SchedulerJob } from "../db/schema/scheduler";
import { logger } from "../log";
import { InvalidScheduleError, isCronOccurrence, nextCronRun, type CronSchedule } from "../cron";

export type { CronSchedule } from "../cron";

/** Either a cron schedule read afresh every tick (e.g. from settings), or a fixed interval. */
export type JobSchedule = (() => Promise<CronSchedule> | CronSchedule) | { everyMs: number };

export interface JobDefinition {
  /** Unique; the primary key in scheduler_jobs and the system actor's job name in the audit log. */
  name: string;
  schedule: JobSchedule;
  /** Called with the system actor's context; must stop promptly when `signal` aborts. */
  run: (ctx: Ctx, signal: AbortSignal) => Promise<void>;
  /** "cluster" (default): at most one run at a time across all replicas. "replica": every replica runs its own copy. */
  scope?: "cluster" | "replica";
  /** Lease length for cluster jobs (default: the scheduler's leaseMs). Renewed every third of it while running. */
  leaseMs?: number;
  /** A cron job that has never run anywhere runs once right away (a fresh install scans without waiting hours). */
  runOnFirstStart?: boolean;
}

export type RunStatus = "succeeded" | "failed" | "aborted";

export interface JobStatus {
  name: string;
  scope: "cluster" | "replica";
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

const DEFAULT_TICK_MS = 1000;
const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_GRACE_MS = 10_000;
const MAX_ERROR_LENGTH = 2000;

const log = logger("scheduler");

function errorText(e: unknown): string {
  const msg = e instanceof Error ? `${e.name === "Error" ? "" : `${e.name}: `}${e.message}` : String(e);
  return msg.slice(0, MAX_ERROR_LENGTH);
}

function defaultInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const msInterval = (ms: number) => sql`(${Math.round(ms)}::int * interval '1 millisecond')`;

interface LocalRun {
  controller: AbortController;
  done: Promise<void>;
}

export function startScheduler(options: StartSchedulerOptions = {}): SchedulerHandle {
  const tickMs = options.tickMs ?? DEFAULT_TICK_MS;
  const instanceId = options.instanceId ?? defaultInstanceId();
  const defaultLeaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const startedAt = new Date();

  let jobsPromise: Promise<JobDefinition[]> | undefined;
  const loadJobs = () =>
    (jobsPromise ??= options.jobs ? Promise.resolve(options.jobs) : import("./jobs").then((m) => m.defaultJobs()));
  let jobsList: JobDefinition[] = options.jobs ?? [];
  {
    const names = new Set<string>();
    for (const j of jobsList) {
      if (names.has(j.name)) throw new Error(`duplicate scheduler job name "${j.name}"`);
      names.add(j.name);
    }
  }

  const getDatabase = async (): Promise<Db> => options.db ?? (await import("../db/client")).getDb();

  const running = new Map<string, LocalRun>();
  /** Last row seen per cluster job (for status()). */
  const rows = new Map<string, SchedulerJob>();
  /** In-memory state of replica jobs. */
  const replicaState = new Map<
    string,
    {
      nextRunAt: Date | null;
      lastStartedAt: Date | null;
      lastFinishedAt: Date | null;
      lastStatus: string | null;
      lastError: string | null;
    }
  >();
  const enabled = new Map<string, boolean>();

  let lastTickAt: Date | null = null;
  let lastTickError: string | null = null;
  let stopping = false;
  let stopPromise: Promise<void> | undefined;
  let registered = false;
  let timer: NodeJS.Timeout | undefined;
  let tickChain: Promise<void> = Promise.resolve();

  async function register(db: Db, jobs: JobDefinition[]) {
    const cluster = jobs.filter((j) => (j.scope ?? "cluster") === "cluster");
    if (cluster.length) {
      await db
        .insert(schedulerJobs)
        .values(cluster.map((j) => ({ name: j.name })))
        .onConflictDoNothing();
    }
    registered = true;
  }

  /** The next_run_at the job should have now; undefined = keep the stored one. null = do not run (disabled/invalid). */
  function reconcile(
    job: JobDefinition,
    sched: CronSchedule | { everyMs: number },
    stored: Date | null,
    now: Date,
  ): { next: Date | null; error?: string } | undefined {
    if ("everyMs" in sched) {
      if (!stored) return { next: now };
      if (stored.getTime() > now.getTime() + sched.everyMs) return { next: new Date(now.getTime() + sched.everyMs) };
      return undefined;
    }
    if (!sched.enabled) return stored ? { next: null } : undefined;
    try {
      const candidate = nextCronRun(sched.cron, sched.timezone, now);
      if (stored) {
        if (stored.getTime() === candidate.getTime()) return undefined;
        // Overdue and still a firing time of the current schedule: keep it, so a missed run happens once now.
        if (stored.getTime() <= now.getTime() && isCronOccurrence(sched.cron, sched.timezone, stored)) return undefined;
      }
      return { next: candidate };
    } catch (e) {
      if (e instanceof InvalidScheduleError) return { next: null, error: `invalid schedule: ${e.message}` };
      throw e;
    }
  }

  async function resolveSchedule(job: JobDefinition): Promise<CronSchedule | { everyMs: number }> {
    const s = job.schedule;
    if (typeof s === "function") {
      const v = await s();
      enabled.set(job.name, v.enabled);
      return v;
    }
    enabled.set(job.name, true);
    return s;
  }

  function computeNextAfterRun(sched: CronSchedule | { everyMs: number }, scheduledAt: Date | null): Date | null {
    const now = new Date();
    if ("everyMs" in sched) return new Date(now.getTime() + sched.everyMs);
    if (!sched.enabled) return null;
    // Never before the occurrence just served, even if this clock lags the database's.
    const after = scheduledAt && scheduledAt > now ? scheduledAt : now;
    try {
      return nextCronRun(sched.cron, sched.timezone, after);
    } catch {
      return null;
    }
  }

  async function tickClusterJob(db: Db, job: JobDefinition, row: SchedulerJob | undefined, now: Date) {
    if (running.has(job.name)) return;
    let sched: CronSchedule | { everyMs: number };
    try {
      sched = await resolveSchedule(job);
    } catch (e) {
      log.warn({ job: job.name, err: errorText(e) }, "could not read job schedule; skipping this tick");
      return;
    }
    let nextRunAt = row?.nextRunAt ?? null;
    const firstEver =
      job.runOnFirstStart && !row?.nextRunAt && !row?.lastStartedAt && !("everyMs" in sched) && sched.enabled;
    const change = firstEver ? { next: now } : reconcile(job, sched, nextRunAt, now);
    if (change) {
      const set: Partial<SchedulerJob> = { nextRunAt: change.next };
      if (change.error && row?.lastError !== change.error)
        Object.assign(set, { lastStatus: "failed", lastError: change.error });
      const [updated] = await db
        .update(schedulerJobs)
        .set(set)
        // Only if nobody changed it meanwhile (e.g. a run finishing on another replica). Values written
        // outside the scheduler may carry microseconds; compare at the millisecond precision of a Date.
        .where(
          and(
            eq(schedulerJobs.name, job.name),
            nextRunAt
              ? sql`date_trunc('milliseconds', ${schedulerJobs.nextRunAt}) = ${nextRunAt.toISOString()}::timestamptz`
              : isNull(schedulerJobs.nextRunAt),
          ),
        )
        .returning();
      if (updated) rows.set(job.name, updated);
      if (change.error && row?.lastError !== change.error)
        log.warn({ job: job.name, error: change.error }, "job schedule is invalid; not scheduling");
      nextRunAt = change.next;
    }
    if (!nextRunAt || nextRunAt.getTime() > now.getTime() || stopping) return;

    const leaseMs = job.leaseMs ?? defaultLeaseMs;
    // The claim: one conditional UPDATE. Only one replica's statement can match the row.
    const [claimed] = await db
      .update(schedulerJobs)
      .set({ lockedBy: instanceId, lockedUntil: sql`now() + ${msInterval(leaseMs)}`, lastStartedAt: sql`now()` })
      .where(
        and(
          eq(schedulerJobs.name, job.name),
          lte(schedulerJobs.nextRunAt, sql`now()`),
          or(isNull(schedulerJobs.lockedUntil), lt(schedulerJobs.lockedUntil, sql`now()`)),
        ),
      )
      .returning();
    if (!claimed) return;
    rows.set(job.name, claimed);
    if (stopping) {
      await release(db, job.name);
      return;
    }
    launch(job, (controller) => runClusterJob(db, job, sched, claimed, leaseMs, controller));
  }

  async function release(db: Db, name: string) {
    await db
      .update(schedulerJobs)
      .set({ lockedBy: null, lockedUntil: null })
      .where(and(eq(schedulerJobs.name, name), eq(schedulerJobs.lockedBy, instanceId)));
  }

  async function runClusterJob(
    db: Db,
    job: JobDefinition,
    sched: CronSchedule | { everyMs: number },
    claimed: SchedulerJob,
    leaseMs: number,
    controller: AbortController,
  ) {
    const signal = controller.signal;
    let leaseLost = false;
    const renew = setInterval(
      () => {
        db.update(schedulerJobs)
          .set({ lockedUntil: sql`now() + ${msInterval(leaseMs)}` })
          .where(and(eq(schedulerJobs.name, job.name), eq(schedulerJobs.lockedBy, instanceId)))
          .returning({ name: schedulerJobs.name })
          .then((r) => {
            if (r.length === 0 && !signal.aborted) {
              leaseLost = true;
              log.warn({ job: job.name, instanceId }, "lease lost; aborting the run");
              controller.abort(new Error("scheduler lease lost"));
            }
          })
          .catch((e) => log.warn({ job: job.name, err: errorText(e) }, "lease renewal failed; retrying"));
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    renew.unref();

    log.info({ job: job.name, instanceId }, "job started");
    const t0 = Date.now();
    let status: RunStatus = "succeeded";
    let error: string | null = null;
    try {
      await job.run(systemCtx(job.name), signal);
      if (signal.aborted) status = "aborted";
    } catch (e) {
      status = signal.aborted ? "aborted" : "failed";
      error = leaseLost ? "lease lost" : errorText(e);
    } finally {
      clearInterval(renew);
    }
    if (leaseLost) {
      log.warn({ job: job.name, ms: Date.now() - t0 }, "job aborted after losing its lease");
      return;
    }
    // Aborted (shutdown): keep next_run_at so another replica (or the next start) runs it again.
    const next = status === "aborted" ? claimed.nextRunAt : computeNextAfterRun(sched, claimed.nextRunAt);
    const [finished] = await db
      .update(schedulerJobs)
      .set({
        lastFinishedAt: sql`now()`,
        lastStatus: status,
        lastError: error,
        nextRunAt: next,
        lockedBy: null,
        lockedUntil: null,
      })
      .where(and(eq(schedulerJobs.name, job.name), eq(schedulerJobs.lockedBy, instanceId)))
      .returning();
    if (finished) rows.set(job.name, finished);
    else log.warn({ job: job.name }, "lease was taken over before the run finished; result not recorded");
    const fields = { job: job.name, status, ms: Date.now() - t0, ...(error ? { error } : {}) };
    if (status === "failed") log.error(fields, "job failed");
    else log.info(fields, "job finished");
  }

  async function tickReplicaJob(job: JobDefinition, now: Date) {
    if (running.has(job.name) || stopping) return;
    let sched: CronSchedule | { everyMs: number };
    try {
      sched = await resolveSchedule(job);
    } catch (e) {
      log.warn({ job: job.name, err: errorText(e) }, "could not read job schedule; skipping this tick");
      return;
    }
    const st = replicaState.get(job.name) ?? {
      nextRunAt: null,
      lastStartedAt: null,
      lastFinishedAt: null,
      lastStatus: null,
      lastError: null,
    };
    replicaState.set(job.name, st);
    const change = reconcile(job, sched, st.nextRunAt, now);
    if (change) {
      st.nextRunAt = change.next;
      if (change.error) Object.assign(st, { lastStatus: "failed", lastError: change.error });
    }
    if (!st.nextRunAt || st.nextRunAt.getTime() > now.getTime()) return;
    const scheduledAt = st.nextRunAt;
    launch(job, async (controller) => {
      st.lastStartedAt = new Date();
      let status: RunStatus = "succeeded";
      let error: string | null = null;
      try {
        await job.run(systemCtx(job.name), controller.signal);
        if (controller.signal.aborted) status = "aborted";
      } catch (e) {
        status = controller.signal.aborted ? "aborted" : "failed";
        error = errorText(e);
        if (status === "failed") log.error({ job: job.name, error }, "job failed");
      }
      Object.assign(st, { lastFinishedAt: new Date(), lastStatus: status, lastError: error });
      if (status !== "aborted") st.nextRunAt = computeNextAfterRun(sched, scheduledAt);
    });
  }

  function launch(job: JobDefinition, body: (controller: AbortController) => Promise<void>) {
    const controller = new AbortController();
    const done = body(controller)
      .catch((e) => log.error({ job: job.name, err: errorText(e) }, "scheduler could not record the job's result"))
      .finally(() => running.delete(job.name));
    running.set(job.name, { controller, done });
  }

  async function tick(): Promise<void> {
    if (stopping) return;
    try {
      const db = await getDatabase();
      const jobs = await loadJobs();
      jobsList = jobs;
      if (!registered) await register(db, jobs);
      const cluster = jobs.filter((j) => (j.scope ?? "cluster") === "cluster");
      let now = new Date();
      if (cluster.length) {
        // The database clock decides what is due (replicas' clocks may differ).
        const result = await db
          .select({ row: schedulerJobs, dbNow: sql<number>`(extract(epoch from now()) * 1000)::float8` })
          .from(schedulerJobs)
          .where(
            inArray(
              schedulerJobs.name,
              cluster.map((j) => j.name),
            ),
          );
        if (result[0]) now = new Date(Number(result[0].dbNow));
        for (const r of result) rows.set(r.row.name, r.row);
        if (result.length < cluster.length) registered = false; // a row was deleted: re-insert next tick
      }
      for (const job of jobs) {
        if (stopping) break;
        try {
          if ((job.scope ?? "cluster") === "cluster") await tickClusterJob(db, job, rows.get(job.name), now);
          else await tickReplicaJob(job, new Date());
        } catch (e) {
          // One job's trouble (e.g. its schedule could not be stored) must not starve the others.
          log.error({ job: job.name, err: errorText(e) }, "scheduler tick failed for job");
        }
      }
      lastTickAt = new Date();
      lastTickError = null;
    } catch (e) {
      lastTickError = errorText(e);
      log.error({ err: lastTickError }, "scheduler tick failed");
    }
  }

  function tickNow(): Promise<void> {
    const p = tickChain.then(tick);
    tickChain = p.catch(() => undefined);
    return p;
  }

  function loop() {
    if (stopping) return;
    tickNow().finally(() => {
      if (stopping) return;
      timer = setTimeout(loop, tickMs);
      timer.unref();
    });
  }

  async function idle(): Promise<void> {
    while (running.size) await Promise.allSettled([...running.values()].map((r) => r.done));
  }

  function stop(): Promise<void> {
    stopPromise ??= (async () => {
      stopping = true;
      if (timer) clearTimeout(timer);
      await tickChain; // the tick in flight finishes (it claims nothing more once stopping is set)
      for (const [name, r] of running) {
        log.info({ job: name }, "aborting job for shutdown");
        r.controller.abort(new Error("scheduler stopping"));
      }
      const waitAll = idle();
      let graceTimer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        waitAll.then(() => false),
        new Promise<boolean>((resolve) => {
          graceTimer = setTimeout(() => resolve(true), graceMs);
          graceTimer.unref();
        }),
      ]);
      clearTimeout(graceTimer);
      if (timedOut)
        log.warn(
          { jobs: [...running.keys()], graceMs },
          "jobs did not stop within the grace period; releasing their leases",
        );
      // Release whatever this replica still holds (jobs that ignored the abort).
      try {
        const db = await getDatabase();
        const stuck = [...running.keys()];
        if (stuck.length) {
          await db
            .update(schedulerJobs)
            .set({
              lockedBy: null,
              lockedUntil: null,
              lastStatus: "aborted",
              lastError: "scheduler stopped before the job finished",
              lastFinishedAt: sql`now()`,
            })
            .where(and(eq(schedulerJobs.lockedBy, instanceId), inArray(schedulerJobs.name, stuck)));
        }
        await db
          .update(schedulerJobs)
          .set({ lockedBy: null, lockedUntil: null })
          .where(eq(schedulerJobs.lockedBy, instanceId));
      } catch (e) {
        log.warn({ err: errorText(e) }, "could not release leases on stop; they expire on their own");
      }
      log.info({ instanceId }, "scheduler stopped");
    })();
    return stopPromise;
  }

  function status(): SchedulerStatus {
    const nowMs = Date.now();
    const healthy = !stopping && !!lastTickAt && nowMs - lastTickAt.getTime() <= 2 * tickMs;
    const jobs: JobStatus[] = jobsList.map((j) => {
      const scope = j.scope ?? "cluster";
      if (scope === "replica") {
        const st = replicaState.get(j.name);
        return {
          name: j.name,
          scope,
          enabled: enabled.get(j.name) ?? true,
          runningHere: running.has(j.name),
          lockedBy: running.has(j.name) ? instanceId : null,
          nextRunAt: iso(st?.nextRunAt),
          lastStartedAt: iso(st?.lastStartedAt),
          lastFinishedAt: iso(st?.lastFinishedAt),
          lastStatus: st?.lastStatus ?? null,
          lastError: st?.lastError ?? null,
        };
      }
      const r = rows.get(j.name);
      const leased = r?.lockedBy && r.lockedUntil && r.lockedUntil.getTime() > nowMs ? r.lockedBy : null;
      return {
        name: j.name,
        scope,
        enabled: enabled.get(j.name) ?? true,
        runningHere: running.has(j.name),
        lockedBy: running.has(j.name) ? instanceId : leased,
        nextRunAt: iso(r?.nextRunAt),
        lastStartedAt: iso(r?.lastStartedAt),
        lastFinishedAt: iso(r?.lastFinishedAt),
        lastStatus: r?.lastStatus ?? null,
        lastError: r?.lastError ?? null,
      };
    });
    return {
      instanceId,
      tickMs,
      startedAt: startedAt.toISOString(),
      lastTickAt: iso(lastTickAt),
      lastTickError,
      stopping,
      healthy,
      jobs,
    };
  }

  if (options.signal) {
    if (options.signal.aborted) stopping = true;
    else options.signal.addEventListener("abort", () => void stop(), { once: true });
  }
  if (options.autoTick !== false && !stopping) {
    timer = setTimeout(loop, 0);
    timer.unref();
  }

  log.info({ instanceId, tickMs }, "scheduler started");
  return { instanceId, stop, tickNow, idle, status };
}

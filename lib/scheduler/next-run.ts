/**
 * When a job runs next. Pure functions of the job's schedule, what is stored and the time given — no I/O and no clock
 * reads — so the rules are unit-tested at their boundaries (tests/unit/scheduler/next-run.test.ts).
 */
import { InvalidScheduleError, isCronOccurrence, nextCronRun } from "../cron";
import type { IntervalSchedule, JobDefinition, ResolvedSchedule, RunStatus } from "./types";

export function isInterval(schedule: ResolvedSchedule): schedule is IntervalSchedule {
  return "everyMs" in schedule;
}

/** Interval jobs are always enabled; a cron schedule carries its own switch. */
export function isEnabled(schedule: ResolvedSchedule): boolean {
  return isInterval(schedule) || schedule.enabled;
}

export function isDue(nextRunAt: Date | null, now: Date): nextRunAt is Date {
  return !!nextRunAt && nextRunAt.getTime() <= now.getTime();
}

/** A replacement for the stored next run; `error` when the schedule cannot be evaluated. */
export interface NextRunChange {
  next: Date | null;
  error?: string;
}

/**
 * The next run a job should have at `now`, given the stored one; undefined keeps the stored value. The schedule is
 * re-read every tick, so this is how a changed setting takes effect without a restart.
 */
export function reconcileNextRun(
  schedule: ResolvedSchedule,
  stored: Date | null,
  now: Date,
): NextRunChange | undefined {
  if (isInterval(schedule)) {
    if (!stored) return { next: now };
    // The interval was shortened since the stored time was computed: do not wait out the old one.
    if (stored.getTime() > now.getTime() + schedule.everyMs)
      return { next: new Date(now.getTime() + schedule.everyMs) };
    return undefined;
  }
  if (!schedule.enabled) return stored ? { next: null } : undefined;
  try {
    const candidate = nextCronRun(schedule.cron, schedule.timezone, now);
    if (stored) {
      if (stored.getTime() === candidate.getTime()) return undefined;
      // Overdue and still a firing time of the current schedule: keep it, so a run missed while every scheduler was
      // down happens once now rather than once per missed occurrence.
      if (stored.getTime() <= now.getTime() && isCronOccurrence(schedule.cron, schedule.timezone, stored))
        return undefined;
    }
    return { next: candidate };
  } catch (e) {
    if (e instanceof InvalidScheduleError) return { next: null, error: `invalid schedule: ${e.message}` };
    throw e;
  }
}

/**
 * A cron job marked runOnFirstStart that no replica has ever scheduled or started is due at once: a fresh install
 * scans without waiting for the first firing, hours away.
 */
export function isFirstStart(
  job: Pick<JobDefinition, "runOnFirstStart">,
  schedule: ResolvedSchedule,
  history: { nextRunAt: Date | null; lastStartedAt: Date | null } | undefined,
): boolean {
  return (
    !!job.runOnFirstStart && !history?.nextRunAt && !history?.lastStartedAt && !isInterval(schedule) && schedule.enabled
  );
}

/**
 * The fields a reconciliation writes. An invalid schedule is recorded as a failure once (when its error first
 * appears), not rewritten every tick.
 */
export function scheduleFields(
  change: NextRunChange,
  lastError: string | null | undefined,
): { nextRunAt: Date | null; lastStatus?: "failed"; lastError?: string } {
  if (change.error && change.error !== lastError)
    return { nextRunAt: change.next, lastStatus: "failed", lastError: change.error };
  return { nextRunAt: change.next };
}

/**
 * When a job is due again after a run that was due at `scheduledAt` ended at `now` with `status`. A failed run is
 * not retried early: it waits for the next occurrence like a successful one.
 */
export function nextRunAfter(
  status: RunStatus,
  schedule: ResolvedSchedule,
  scheduledAt: Date | null,
  now: Date,
): Date | null {
  // An aborted run (shutdown) did not serve its occurrence: keep it, so another replica or the next start runs it.
  if (status === "aborted") return scheduledAt;
  if (isInterval(schedule)) return new Date(now.getTime() + schedule.everyMs);
  if (!schedule.enabled) return null;
  // Never before the occurrence just served, even if this process's clock lags the database's.
  const after = scheduledAt && scheduledAt > now ? scheduledAt : now;
  try {
    return nextCronRun(schedule.cron, schedule.timezone, after);
  } catch {
    return null;
  }
}

/**
 * All SQL on scheduler_jobs: one row per cluster job, holding its schedule, its last result and its lease
 * (locked_by / locked_until). Every statement that acts on a lease is guarded by who holds it, and every time
 * comparison uses the database clock, so replicas' own clocks never decide who may run.
 */
import { and, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { schedulerJobs, type SchedulerJob } from "../db/schema/scheduler";
import type { RunResult } from "./types";

const msInterval = (ms: number) => sql`(${Math.round(ms)}::int * interval '1 millisecond')`;
const heldBy = (name: string, holder: string) => and(eq(schedulerJobs.name, name), eq(schedulerJobs.lockedBy, holder));

/** Inserts the rows that do not exist yet; existing rows (and another replica's state in them) are left alone. */
export async function ensureJobRows(db: Db, names: string[]): Promise<void> {
  if (!names.length) return;
  await db
    .insert(schedulerJobs)
    .values(names.map((name) => ({ name })))
    .onConflictDoNothing();
}

/** The rows of the named jobs and the database's clock (null when no row exists). */
export async function readJobRows(db: Db, names: string[]): Promise<{ rows: SchedulerJob[]; dbNow: Date | null }> {
  if (!names.length) return { rows: [], dbNow: null };
  const result = await db
    .select({ row: schedulerJobs, dbNow: sql<number>`(extract(epoch from now()) * 1000)::float8` })
    .from(schedulerJobs)
    .where(inArray(schedulerJobs.name, names));
  return { rows: result.map((r) => r.row), dbNow: result[0] ? new Date(Number(result[0].dbNow)) : null };
}

/**
 * Writes a reconciled schedule only if next_run_at still holds the value the caller read, so a replica never
 * overwrites what another just wrote (e.g. a run finishing elsewhere). Undefined when the row had changed.
 */
export async function storeNextRun(
  db: Db,
  name: string,
  expected: Date | null,
  fields: Pick<SchedulerJob, "nextRunAt"> & Partial<Pick<SchedulerJob, "lastStatus" | "lastError">>,
): Promise<SchedulerJob | undefined> {
  const [row] = await db
    .update(schedulerJobs)
    .set(fields)
    .where(
      and(
        eq(schedulerJobs.name, name),
        // Values written outside the scheduler may carry microseconds; compare at a Date's millisecond precision.
        expected
          ? sql`date_trunc('milliseconds', ${schedulerJobs.nextRunAt}) = ${expected.toISOString()}::timestamptz`
          : isNull(schedulerJobs.nextRunAt),
      ),
    )
    .returning();
  return row;
}

/**
 * The claim: ONE conditional UPDATE that matches only a due job whose lease is free or expired. Concurrent claims
 * from several replicas serialise on the row, and only one statement still matches — that replica runs the job.
 */
export async function claimJob(
  db: Db,
  name: string,
  holder: string,
  leaseMs: number,
): Promise<SchedulerJob | undefined> {
  const [row] = await db
    .update(schedulerJobs)
    .set({ lockedBy: holder, lockedUntil: sql`now() + ${msInterval(leaseMs)}`, lastStartedAt: sql`now()` })
    .where(
      and(
        eq(schedulerJobs.name, name),
        lte(schedulerJobs.nextRunAt, sql`now()`),
        or(isNull(schedulerJobs.lockedUntil), lt(schedulerJobs.lockedUntil, sql`now()`)),
      ),
    )
    .returning();
  return row;
}

/** Extends a held lease. False when `holder` no longer holds it: another replica took the job over. */
export async function renewLease(db: Db, name: string, holder: string, leaseMs: number): Promise<boolean> {
  const rows = await db
    .update(schedulerJobs)
    .set({ lockedUntil: sql`now() + ${msInterval(leaseMs)}` })
    .where(heldBy(name, holder))
    .returning({ name: schedulerJobs.name });
  return rows.length > 0;
}

/** Gives a lease back without recording a run (a claim made just as the scheduler began to stop). */
export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.update(schedulerJobs).set({ lockedBy: null, lockedUntil: null }).where(heldBy(name, holder));
}

/**
 * Records a finished run and releases the lease in one UPDATE, guarded by the lease: undefined when another
 * replica had taken the job over, whose state is then left as it is.
 */
export async function recordRunResult(
  db: Db,
  name: string,
  holder: string,
  result: RunResult,
): Promise<SchedulerJob | undefined> {
  const [row] = await db
    .update(schedulerJobs)
    .set({
      lastFinishedAt: sql`now()`,
      lastStatus: result.status,
      lastError: result.error,
      nextRunAt: result.nextRunAt,
      lockedBy: null,
      lockedUntil: null,
    })
    .where(heldBy(name, holder))
    .returning();
  return row;
}

/**
 * On stop: jobs still running here (they ignored the abort) are recorded as aborted, and every lease `holder`
 * still has is released, so other replicas need not wait for the leases to expire.
 */
export async function releaseAllLeases(db: Db, holder: string, unfinished: string[]): Promise<void> {
  if (unfinished.length) {
    await db
      .update(schedulerJobs)
      .set({
        lockedBy: null,
        lockedUntil: null,
        lastStatus: "aborted",
        lastError: "scheduler stopped before the job finished",
        lastFinishedAt: sql`now()`,
      })
      .where(and(eq(schedulerJobs.lockedBy, holder), inArray(schedulerJobs.name, unfinished)));
  }
  await db.update(schedulerJobs).set({ lockedBy: null, lockedUntil: null }).where(eq(schedulerJobs.lockedBy, holder));
}

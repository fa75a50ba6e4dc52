import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * One row per scheduled job. A replica runs a job only after claiming it with a single conditional UPDATE
 * (lease in lockedBy/lockedUntil), so two replicas never run the same job at once.
 */
export const schedulerJobs = pgTable("scheduler_jobs", {
  name: text("name").primaryKey(),
  nextRunAt: timestamp("next_run_at", { withTimezone: true }),
  lastStartedAt: timestamp("last_started_at", { withTimezone: true }),
  lastFinishedAt: timestamp("last_finished_at", { withTimezone: true }),
  lastStatus: text("last_status"),
  lastError: text("last_error"),
  lockedBy: text("locked_by"),
  lockedUntil: timestamp("locked_until", { withTimezone: true }),
});

export type SchedulerJob = typeof schedulerJobs.$inferSelect;

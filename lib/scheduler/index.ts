/** In-process use (instrumentation.ts in `npm run demo`): startScheduler() with the default jobs. */
export { startScheduler } from "./scheduler";
export type {
  CronSchedule,
  IntervalSchedule,
  JobDefinition,
  JobSchedule,
  JobScope,
  JobStatus,
  RunResult,
  RunStatus,
  SchedulerHandle,
  SchedulerStatus,
  StartSchedulerOptions,
} from "./types";
export { defaultJobs } from "./jobs";
export { nextCronRun, isCronOccurrence, validateCronSchedule, InvalidScheduleError } from "../cron";
export { startHealthServer, createHealthHandler, DEFAULT_HEALTH_PORT, type HealthServer } from "./health";

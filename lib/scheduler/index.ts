/** In-process use (instrumentation.ts in `npm run demo`): startScheduler() with the default jobs. */
export { startScheduler } from "./scheduler";
export type {
  JobDefinition,
  JobSchedule,
  JobStatus,
  SchedulerHandle,
  SchedulerStatus,
  StartSchedulerOptions,
  RunStatus,
} from "./scheduler";
export { defaultJobs } from "./jobs";
export { nextCronRun, isCronOccurrence, validateCronSchedule, InvalidScheduleError, type CronSchedule } from "../cron";
export { startHealthServer, createHealthHandler, DEFAULT_HEALTH_PORT, type HealthServer } from "./health";

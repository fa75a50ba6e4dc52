import { CronExpressionParser } from "cron-parser";

/** A cron schedule as stored in settings: a five- (or six-, with seconds) field expression evaluated in an IANA timezone. */
export interface CronSchedule {
  cron: string;
  timezone: string;
  enabled: boolean;
}

export class InvalidScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidScheduleError";
  }
}

export function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * The first firing of `cron` in `timezone` strictly after `after`. Wall-clock times that do not exist on a
 * spring-forward day fire at the equivalent instant after the gap (02:30 → 03:30); times that occur twice on a
 * fall-back day fire once. Throws InvalidScheduleError for a bad expression or timezone.
 */
export function nextCronRun(cron: string, timezone: string, after: Date): Date {
  if (!isValidTimezone(timezone)) throw new InvalidScheduleError(`unknown timezone "${timezone}"`);
  let next: Date;
  try {
    next = CronExpressionParser.parse(cron, { tz: timezone, currentDate: after }).next().toDate();
  } catch (e) {
    throw new InvalidScheduleError(`invalid cron expression "${cron}": ${(e as Error).message}`);
  }
  // cron-parser works at whole seconds; guarantee strictly-after even when `after` carries milliseconds.
  if (next.getTime() <= after.getTime())
    next = nextCronRun(cron, timezone, new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000));
  return next;
}

/** True when `at` is itself a firing time of the expression (used to keep a stored next-run that still matches the schedule). */
export function isCronOccurrence(cron: string, timezone: string, at: Date): boolean {
  return nextCronRun(cron, timezone, new Date(at.getTime() - 1000)).getTime() === at.getTime();
}

/** Throws InvalidScheduleError when the schedule cannot be evaluated. */
export function validateCronSchedule(s: Pick<CronSchedule, "cron" | "timezone">): void {
  nextCronRun(s.cron, s.timezone, new Date());
}

/** Scheduled scans run at most this often: a tighter schedule would keep the scanner busy around the clock. */
export const MIN_SCHEDULE_INTERVAL_MINUTES = 15;

/**
 * Why a user-entered schedule is refused, or null when it is acceptable: five fields (minute hour day-of-month month
 * day-of-week — no seconds field), a valid expression and timezone, and no two firings closer than the minimum.
 */
export function schedulePolicyError(cron: string, timezone: string, from = new Date()): string | null {
  if (cron.trim().split(/\s+/).length !== 5) return "Use five fields: minute hour day-of-month month day-of-week.";
  if (!isValidTimezone(timezone))
    return `Unknown timezone "${timezone}". Use an IANA name such as UTC or Europe/Paris.`;
  let at: Date;
  try {
    at = nextCronRun(cron, timezone, from);
    for (let i = 0; i < 48; i++) {
      const next = nextCronRun(cron, timezone, at);
      if (next.getTime() - at.getTime() < MIN_SCHEDULE_INTERVAL_MINUTES * 60_000)
        return `Scans can run at most every ${MIN_SCHEDULE_INTERVAL_MINUTES} minutes.`;
      at = next;
    }
  } catch {
    return "This is not a valid cron expression (minute hour day-of-month month day-of-week).";
  }
  return null;
}

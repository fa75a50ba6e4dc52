import { describe, expect, it } from "vitest";
import { nextCronRun } from "@/lib/cron";
import {
  isDue,
  isEnabled,
  isFirstStart,
  nextRunAfter,
  reconcileNextRun,
  scheduleFields,
} from "@/lib/scheduler/next-run";
import type { CronSchedule } from "@/lib/scheduler/types";

const at = (s: string) => new Date(s);
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);
const cron = (expr: string, timezone = "UTC", enabled = true): CronSchedule => ({ cron: expr, timezone, enabled });

const NOW = at("2026-01-10T07:30:00.000Z");
const SIX_HOURLY = cron("0 */6 * * *");

describe("isDue", () => {
  it("is due exactly at next_run_at and after it, not a millisecond before, never when null", () => {
    expect(isDue(NOW, NOW)).toBe(true);
    expect(isDue(plus(NOW, -1), NOW)).toBe(true);
    expect(isDue(plus(NOW, 1), NOW)).toBe(false);
    expect(isDue(null, NOW)).toBe(false);
  });
});

describe("isEnabled", () => {
  it("intervals are always enabled; cron schedules carry their own switch", () => {
    expect(isEnabled({ everyMs: 1000 })).toBe(true);
    expect(isEnabled(SIX_HOURLY)).toBe(true);
    expect(isEnabled(cron("0 */6 * * *", "UTC", false))).toBe(false);
  });
});

describe("reconcileNextRun — interval", () => {
  const every = { everyMs: 60_000 };

  it("a job never scheduled is due now", () => {
    expect(reconcileNextRun(every, null, NOW)).toEqual({ next: NOW });
  });

  it("keeps a stored time up to one interval ahead, and an overdue one", () => {
    expect(reconcileNextRun(every, plus(NOW, 60_000), NOW)).toBeUndefined();
    expect(reconcileNextRun(every, plus(NOW, -3_600_000), NOW)).toBeUndefined();
  });

  it("pulls in a stored time further ahead than the interval (the interval was shortened)", () => {
    expect(reconcileNextRun(every, plus(NOW, 60_001), NOW)).toEqual({ next: plus(NOW, 60_000) });
  });
});

describe("reconcileNextRun — cron", () => {
  const next = at("2026-01-10T12:00:00.000Z");

  it("schedules the next firing after now when nothing is stored", () => {
    expect(reconcileNextRun(SIX_HOURLY, null, NOW)).toEqual({ next });
  });

  it("keeps a stored value that is the next firing", () => {
    expect(reconcileNextRun(SIX_HOURLY, next, NOW)).toBeUndefined();
  });

  it("keeps an overdue firing of the current expression (a missed run happens once), including one due exactly now", () => {
    expect(reconcileNextRun(SIX_HOURLY, at("2026-01-09T18:00:00.000Z"), NOW)).toBeUndefined();
    const onTheHour = at("2026-01-10T06:00:00.000Z");
    expect(reconcileNextRun(SIX_HOURLY, onTheHour, onTheHour)).toBeUndefined();
  });

  it("replaces an overdue time that is not a firing of the current expression (the schedule changed)", () => {
    expect(reconcileNextRun(SIX_HOURLY, at("2026-01-10T07:00:00.000Z"), NOW)).toEqual({ next });
  });

  it("replaces a future firing that is not the next one (e.g. the timezone or expression changed)", () => {
    expect(reconcileNextRun(SIX_HOURLY, at("2026-01-10T18:00:00.000Z"), NOW)).toEqual({ next });
    const amsterdam = cron("0 9 * * *", "Europe/Amsterdam");
    const utcNine = at("2026-01-10T09:00:00.000Z");
    expect(reconcileNextRun(amsterdam, utcNine, NOW)).toEqual({ next: at("2026-01-10T08:00:00.000Z") });
  });

  it("disabled: clears a stored time, leaves an empty one alone", () => {
    const off = cron("0 */6 * * *", "UTC", false);
    expect(reconcileNextRun(off, next, NOW)).toEqual({ next: null });
    expect(reconcileNextRun(off, null, NOW)).toBeUndefined();
  });

  it("invalid expression or timezone: not scheduled, with an error naming the problem", () => {
    expect(reconcileNextRun(cron("0 9 * * *", "Nowhere/Land"), next, NOW)).toEqual({
      next: null,
      error: 'invalid schedule: unknown timezone "Nowhere/Land"',
    });
    const bad = reconcileNextRun(cron("not a cron"), null, NOW);
    expect(bad?.next).toBeNull();
    expect(bad?.error).toMatch(/^invalid schedule: invalid cron expression "not a cron"/);
  });
});

describe("isFirstStart", () => {
  const job = { runOnFirstStart: true };
  const never = { nextRunAt: null, lastStartedAt: null };

  it("an enabled cron job marked runOnFirstStart with no history anywhere", () => {
    expect(isFirstStart(job, SIX_HOURLY, never)).toBe(true);
    expect(isFirstStart(job, SIX_HOURLY, undefined)).toBe(true);
  });

  it("not once it has been scheduled or started, not when disabled, not for intervals, not without the flag", () => {
    expect(isFirstStart(job, SIX_HOURLY, { ...never, nextRunAt: NOW })).toBe(false);
    expect(isFirstStart(job, SIX_HOURLY, { ...never, lastStartedAt: NOW })).toBe(false);
    expect(isFirstStart(job, cron("0 */6 * * *", "UTC", false), never)).toBe(false);
    expect(isFirstStart(job, { everyMs: 1000 }, never)).toBe(false);
    expect(isFirstStart({}, SIX_HOURLY, never)).toBe(false);
  });
});

describe("scheduleFields", () => {
  it("records an invalid schedule as a failure the first time its error appears, not again", () => {
    const change = { next: null, error: "invalid schedule: x" };
    expect(scheduleFields(change, null)).toEqual({ nextRunAt: null, lastStatus: "failed", lastError: change.error });
    expect(scheduleFields(change, "boom")).toEqual({ nextRunAt: null, lastStatus: "failed", lastError: change.error });
    expect(scheduleFields(change, change.error)).toEqual({ nextRunAt: null });
  });

  it("a valid change only moves next_run_at", () => {
    expect(scheduleFields({ next: NOW }, "earlier failure")).toEqual({ nextRunAt: NOW });
  });
});

describe("nextRunAfter", () => {
  const servedAt = at("2026-01-10T06:00:00.000Z");

  it("an aborted run keeps the occurrence it was serving, for any schedule", () => {
    expect(nextRunAfter("aborted", SIX_HOURLY, servedAt, NOW)).toBe(servedAt);
    expect(nextRunAfter("aborted", { everyMs: 1000 }, servedAt, NOW)).toBe(servedAt);
    expect(nextRunAfter("aborted", SIX_HOURLY, null, NOW)).toBeNull();
  });

  it("interval: one interval after the run ended, failed or not", () => {
    expect(nextRunAfter("succeeded", { everyMs: 5000 }, servedAt, NOW)).toEqual(plus(NOW, 5000));
    expect(nextRunAfter("failed", { everyMs: 5000 }, servedAt, NOW)).toEqual(plus(NOW, 5000));
  });

  it("cron: the next firing after the run ended; a failed run is not retried early", () => {
    expect(nextRunAfter("succeeded", SIX_HOURLY, servedAt, NOW)).toEqual(at("2026-01-10T12:00:00.000Z"));
    expect(nextRunAfter("failed", SIX_HOURLY, servedAt, NOW)).toEqual(at("2026-01-10T12:00:00.000Z"));
  });

  it("cron: never at or before the occurrence just served, even when this clock lags the database's", () => {
    const lagging = plus(servedAt, -2000);
    expect(nextRunAfter("succeeded", SIX_HOURLY, servedAt, lagging)).toEqual(at("2026-01-10T12:00:00.000Z"));
    const everySecond = cron("* * * * * *");
    const next = nextRunAfter("succeeded", everySecond, servedAt, lagging)!;
    expect(next.getTime()).toBeGreaterThan(servedAt.getTime());
    expect(next).toEqual(nextCronRun("* * * * * *", "UTC", servedAt));
  });

  it("cron disabled or invalid: no next run", () => {
    expect(nextRunAfter("succeeded", cron("0 */6 * * *", "UTC", false), servedAt, NOW)).toBeNull();
    expect(nextRunAfter("succeeded", cron("0 9 * * *", "Nowhere/Land"), servedAt, NOW)).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { isHealthy, jobStatus } from "@/lib/scheduler/status";

const T0 = new Date("2026-01-10T06:00:00.000Z");
const ms = (offset: number) => T0.getTime() + offset;

describe("isHealthy", () => {
  it("healthy up to exactly two tick periods after the last tick, not a millisecond later", () => {
    expect(isHealthy(T0, 1000, false, ms(2000))).toBe(true);
    expect(isHealthy(T0, 1000, false, ms(2001))).toBe(false);
  });

  it("never before the first tick, never while stopping", () => {
    expect(isHealthy(null, 1000, false, ms(0))).toBe(false);
    expect(isHealthy(T0, 1000, true, ms(0))).toBe(false);
  });
});

describe("jobStatus", () => {
  const job = { name: "j", schedule: { everyMs: 1 }, run: async () => undefined };
  const here = { instanceId: "me", running: false, enabled: true };
  const record = {
    nextRunAt: T0,
    lastStartedAt: null,
    lastFinishedAt: null,
    lastStatus: "failed",
    lastError: "boom",
    lockedBy: "other",
    lockedUntil: new Date(ms(500)),
  };

  it("shows another replica's lease only while it is current", () => {
    expect(jobStatus(job, record, here, ms(499)).lockedBy).toBe("other");
    expect(jobStatus(job, record, here, ms(500)).lockedBy).toBeNull();
  });

  it("a job running here is held by this replica", () => {
    expect(jobStatus(job, record, { ...here, running: true }, ms(0))).toMatchObject({
      runningHere: true,
      lockedBy: "me",
    });
  });

  it("reports the record's times as ISO strings and defaults to nothing before a record exists", () => {
    expect(jobStatus(job, record, here, ms(0))).toEqual({
      name: "j",
      scope: "cluster",
      enabled: true,
      runningHere: false,
      lockedBy: "other",
      nextRunAt: T0.toISOString(),
      lastStartedAt: null,
      lastFinishedAt: null,
      lastStatus: "failed",
      lastError: "boom",
    });
    expect(jobStatus({ ...job, scope: "replica" }, undefined, { ...here, enabled: false }, ms(0))).toMatchObject({
      scope: "replica",
      enabled: false,
      lockedBy: null,
      nextRunAt: null,
      lastStatus: null,
    });
  });
});

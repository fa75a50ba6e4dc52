import { describe, expect, it, vi } from "vitest";
import type { RunClaim } from "@/lib/scheduler/run";
import { RunningJobs } from "@/lib/scheduler/running";
import type { JobDefinition } from "@/lib/scheduler/types";

vi.mock("@/lib/log", () => {
  const quiet = () => undefined;
  return { logger: () => ({ fatal: quiet, error: quiet, warn: quiet, info: quiet, debug: quiet, trace: quiet }) };
});

const claim: RunClaim = { hold: () => () => undefined, finish: async () => undefined };
const spec = (name: string, run: JobDefinition["run"]) => ({
  job: { name, schedule: { everyMs: 1000 }, run },
  schedule: { everyMs: 1000 },
  scheduledAt: null,
  claim,
});

describe("RunningJobs", () => {
  it("holds a run until it settles, even when recording its result fails", async () => {
    const running = new RunningJobs();
    running.start({
      ...spec("a", async () => undefined),
      claim: { ...claim, finish: () => Promise.reject(new Error("db down")) },
    });
    expect(running.has("a")).toBe(true);
    expect(running.names()).toEqual(["a"]);
    await running.idle();
    expect(running.has("a")).toBe(false);
  });

  it("abortAll aborts every run's signal with the reason given", async () => {
    const running = new RunningJobs();
    const reasons: unknown[] = [];
    const waitForAbort: JobDefinition["run"] = (_ctx, signal) =>
      new Promise((resolve) => signal.addEventListener("abort", () => resolve(void reasons.push(signal.reason))));
    running.start(spec("a", waitForAbort));
    running.start(spec("b", waitForAbort));
    const stop = new Error("scheduler stopping");
    running.abortAll(stop);
    expect(await running.settleWithin(1000)).toBe(true);
    expect(reasons).toEqual([stop, stop]);
  });

  it("settleWithin reports a run that ignores its abort, and leaves it listed", async () => {
    const running = new RunningJobs();
    let finish: () => void = () => undefined;
    running.start(spec("stubborn", () => new Promise<void>((r) => (finish = r))));
    running.abortAll(new Error("scheduler stopping"));
    expect(await running.settleWithin(20)).toBe(false);
    expect(running.names()).toEqual(["stubborn"]);
    finish();
    await running.idle();
    expect(running.names()).toEqual([]);
  });
});

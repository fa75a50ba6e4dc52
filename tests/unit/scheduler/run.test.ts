// The one run body shared by cluster and replica jobs, with a fake claim: what the job receives, what is recorded,
// and what happens when the run is aborted for shutdown or loses its claim.
import { describe, expect, it, vi } from "vitest";
import type { Ctx } from "@/lib/context";
import { errorText, runJob, type RunClaim } from "@/lib/scheduler/run";
import type { JobDefinition, RunResult } from "@/lib/scheduler/types";

vi.mock("@/lib/log", () => {
  const quiet = () => undefined;
  return { logger: () => ({ fatal: quiet, error: quiet, warn: quiet, info: quiet, debug: quiet, trace: quiet }) };
});

/** A claim that records what the run body does with it; `loseClaim()` plays another replica taking the lease. */
function fakeClaim() {
  const finished: RunResult[] = [];
  let lost: (() => void) | undefined;
  let released = 0;
  const claim: RunClaim = {
    hold(onLost) {
      lost = onLost;
      return () => void released++;
    },
    finish: async (r) => void finished.push(r),
  };
  return { claim, finished, loseClaim: () => lost?.(), released: () => released };
}

const EVERY_MINUTE = { everyMs: 60_000 };
const scheduledAt = new Date("2026-01-10T06:00:00.000Z");

function job(run: JobDefinition["run"], scope: JobDefinition["scope"] = "cluster"): JobDefinition {
  return { name: "unit-job", schedule: EVERY_MINUTE, scope, run };
}

/** Rejects with the signal's reason once it aborts (as a cooperative job would). */
const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason)));

describe("runJob", () => {
  it("gives the job one system ctx naming it, records success and the next run, and lets go of the claim", async () => {
    const f = fakeClaim();
    const seen: Ctx[] = [];
    const before = Date.now();
    const result = await runJob({
      job: job(async (ctx) => void seen.push(ctx)),
      schedule: EVERY_MINUTE,
      scheduledAt,
      claim: f.claim,
      controller: new AbortController(),
    });
    expect(seen).toHaveLength(1);
    expect(seen[0].actor).toEqual({ type: "system", job: "unit-job" });
    expect(seen[0].request.requestId).toEqual(expect.any(String));
    expect(f.finished).toEqual([result]);
    expect(result).toMatchObject({ status: "succeeded", error: null });
    expect(result!.nextRunAt!.getTime()).toBeGreaterThanOrEqual(before + 60_000);
    expect(f.released()).toBe(1);
  });

  it("gives each run a fresh request id", async () => {
    const ids: string[] = [];
    const j = job(async (ctx) => void ids.push(ctx.request.requestId));
    for (let i = 0; i < 2; i++)
      await runJob({
        job: j,
        schedule: EVERY_MINUTE,
        scheduledAt,
        claim: fakeClaim().claim,
        controller: new AbortController(),
      });
    expect(new Set(ids).size).toBe(2);
  });

  it("records a failure with its error text; the next run still follows the schedule", async () => {
    const f = fakeClaim();
    const result = await runJob({
      job: job(async () => {
        throw new TypeError("vault unreachable");
      }),
      schedule: EVERY_MINUTE,
      scheduledAt,
      claim: f.claim,
      controller: new AbortController(),
    });
    expect(result).toMatchObject({ status: "failed", error: "TypeError: vault unreachable" });
    expect(result!.nextRunAt!.getTime()).toBeGreaterThan(Date.now());
    expect(f.released()).toBe(1);
  });

  it("aborted for shutdown: recorded as aborted, keeping the occurrence it served", async () => {
    for (const settle of ["rejects", "returns"] as const) {
      const f = fakeClaim();
      const controller = new AbortController();
      const run = runJob({
        job: job(async (_ctx, signal) => {
          if (settle === "rejects") return untilAborted(signal);
          await new Promise((r) => signal.addEventListener("abort", r));
        }),
        schedule: EVERY_MINUTE,
        scheduledAt,
        claim: f.claim,
        controller,
      });
      controller.abort(new Error("scheduler stopping"));
      const result = await run;
      expect(result).toEqual({
        status: "aborted",
        error: settle === "rejects" ? "scheduler stopping" : null,
        nextRunAt: scheduledAt,
      });
      expect(f.finished).toEqual([result]);
    }
  });

  it("claim lost: aborts the job's signal and records nothing", async () => {
    const f = fakeClaim();
    const controller = new AbortController();
    let reason: unknown;
    const run = runJob({
      job: job(async (_ctx, signal) => {
        await untilAborted(signal).catch((e) => (reason = e));
      }),
      schedule: EVERY_MINUTE,
      scheduledAt,
      claim: f.claim,
      controller,
    });
    f.loseClaim();
    expect(await run).toBeUndefined();
    expect(controller.signal.aborted).toBe(true);
    expect((reason as Error).message).toBe("scheduler lease lost");
    expect(f.finished).toEqual([]);
    expect(f.released()).toBe(1);
  });

  it("a claim lost after the shutdown abort does not hide the aborted result", async () => {
    const f = fakeClaim();
    const controller = new AbortController();
    const run = runJob({
      job: job(async (_ctx, signal) => untilAborted(signal)),
      schedule: EVERY_MINUTE,
      scheduledAt,
      claim: f.claim,
      controller,
    });
    controller.abort(new Error("scheduler stopping"));
    f.loseClaim();
    expect(await run).toMatchObject({ status: "aborted", nextRunAt: scheduledAt });
    expect(f.finished).toHaveLength(1);
  });

  it("a result that cannot be recorded rejects (the caller logs it)", async () => {
    const claim: RunClaim = {
      hold: () => () => undefined,
      finish: async () => {
        throw new Error("database down");
      },
    };
    await expect(
      runJob({
        job: job(async () => undefined, "replica"),
        schedule: EVERY_MINUTE,
        scheduledAt,
        claim,
        controller: new AbortController(),
      }),
    ).rejects.toThrow("database down");
  });
});

describe("errorText", () => {
  it("prefixes a non-generic error name, stringifies non-errors and caps the length at 2000", () => {
    expect(errorText(new Error("plain"))).toBe("plain");
    expect(errorText(new RangeError("out"))).toBe("RangeError: out");
    expect(errorText("just a string")).toBe("just a string");
    expect(errorText(new Error("x".repeat(5000)))).toHaveLength(2000);
  });
});

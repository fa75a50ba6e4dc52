/**
 * One run of one job, whatever its scope. The job receives `systemCtx(job.name)` — built once per run — and an
 * AbortSignal; its claim is kept alive while it runs; its outcome becomes a RunResult written wherever its scope
 * keeps results (see claims.ts). A run whose claim was lost records nothing: whoever took the job over owns its state.
 */
import { systemCtx } from "../context";
import { logger } from "../log";
import { nextRunAfter } from "./next-run";
import { scopeOf, type JobDefinition, type ResolvedSchedule, type RunResult, type RunStatus } from "./types";

const MAX_ERROR_LENGTH = 2000;

const log = logger("scheduler");

/** An error as stored in last_error and shown by /healthz: the message, prefixed by a non-generic error name. */
export function errorText(e: unknown): string {
  const msg = e instanceof Error ? `${e.name === "Error" ? "" : `${e.name}: `}${e.message}` : String(e);
  return msg.slice(0, MAX_ERROR_LENGTH);
}

/** The scope-specific half of a run: how its claim stays alive and where its result goes. */
export interface RunClaim {
  /** Keeps the claim alive until the returned function is called; calls `lost` if another holder takes it over. */
  hold(lost: () => void): () => void;
  finish(result: RunResult): Promise<void>;
}

export interface RunSpec {
  job: JobDefinition;
  /** The schedule as read at the tick that started the run. */
  schedule: ResolvedSchedule;
  /** The occurrence this run serves (kept as the next run if the run is aborted). */
  scheduledAt: Date | null;
  claim: RunClaim;
  /** Aborted by the scheduler on stop, and by the run itself when its claim is lost. */
  controller: AbortController;
}

/** Runs the job once and records its result. Resolves to the recorded result, or undefined if the claim was lost. */
export async function runJob({
  job,
  schedule,
  scheduledAt,
  claim,
  controller,
}: RunSpec): Promise<RunResult | undefined> {
  const { signal } = controller;
  // The scan worker runs every couple of seconds on every replica: its routine start/finish lines stay at debug.
  const routine = scopeOf(job) === "cluster" ? log.info : log.debug;
  let claimLost = false;
  const letGo = claim.hold(() => {
    if (signal.aborted) return;
    claimLost = true;
    log.warn({ job: job.name }, "lease lost; aborting the run");
    controller.abort(new Error("scheduler lease lost"));
  });

  routine({ job: job.name }, "job started");
  const t0 = Date.now();
  let status: RunStatus = "succeeded";
  let error: string | null = null;
  try {
    await job.run(systemCtx(job.name), signal);
    if (signal.aborted) status = "aborted";
  } catch (e) {
    status = signal.aborted ? "aborted" : "failed";
    error = errorText(e);
  } finally {
    letGo();
  }
  const ms = Date.now() - t0;
  if (claimLost) {
    log.warn({ job: job.name, ms }, "job aborted after losing its lease");
    return undefined;
  }

  const result: RunResult = { status, error, nextRunAt: nextRunAfter(status, schedule, scheduledAt, new Date()) };
  await claim.finish(result);
  const fields = { job: job.name, status, ms, ...(error ? { error } : {}) };
  if (status === "failed") log.error(fields, "job failed");
  else routine(fields, "job finished");
  return result;
}

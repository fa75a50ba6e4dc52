/** The transitions a rotation run makes, with their log line and test hook (shared by both kinds of rotation). */
import type { Ctx } from "../context";
import type { Rotation } from "../db/schema";
import { logger } from "../log";
import { transition, type StepChange } from "./store";

const log = logger("rotation");

export interface RunOptions {
  worker: string;
  signal?: AbortSignal;
  /** verification attempts and the first backoff (Entra can take a few seconds to accept a new credential) */
  verifyAttempts?: number;
  verifyBackoffMs?: number;
  /** the cloud retry policy for the writes (tests shorten it) */
  retry?: Partial<import("../cloud").RetryPolicy>;
  /** test hook: called after each transition commits (the SIGKILL tests stop the process here) */
  onStep?: (state: string) => Promise<void> | void;
}

export function stepper(ctx: Ctx, start: Rotation, o: RunOptions) {
  const s = {
    r: start,
    /** one committed transition (state patch + step rows + audit row); returns the rotation as it now is */
    async step(
      patch: Partial<Rotation>,
      steps: StepChange[],
      action: string,
      details: Record<string, unknown> = {},
      outcome?: "failure",
    ): Promise<Rotation> {
      s.r = await transition(ctx, s.r, o.worker, patch, steps, { action, outcome, details });
      log.info({ rotationId: s.r.id, state: s.r.state, action }, "rotation step");
      await o.onStep?.(s.r.state);
      return s.r;
    },
    /** stops in `held` with a public reason; an Operator's Retry resumes from `from` */
    hold(from: Rotation["state"], reason: string, steps: StepChange[] = [], patch: Partial<Rotation> = {}) {
      return s.step(
        { ...patch, state: "held", heldFrom: from, heldReason: reason },
        steps,
        "rotation.held",
        { from, reason },
        "failure",
      );
    },
    /** verified: the old credential stays valid for the overlap */
    startOverlap(steps: StepChange[] = []) {
      const until = new Date(Date.now() + s.r.overlapHours * 3_600_000);
      return s.step(
        { state: "overlap", overlapUntil: until },
        [
          ...steps,
          { step: "verify", status: "succeeded" },
          { step: "overlap", status: "running", detail: { until: until.toISOString() } },
        ],
        "rotation.step.verify",
        { overlapUntil: until.toISOString() },
      );
    },
    /** overlap over? → removing (false: not yet, the run ends here) */
    async endOverlap(): Promise<boolean> {
      if (!s.r.overlapUntil || s.r.overlapUntil.getTime() > Date.now()) return false;
      await s.step({ state: "removing" }, [{ step: "overlap", status: "succeeded" }], "rotation.step.overlap");
      return true;
    },
    async completed(removedKeyId: string | null) {
      await s.step(
        { state: "done", finishedAt: new Date() },
        [{ step: "remove_old", status: removedKeyId ? "succeeded" : "skipped", detail: { keyId: removedKeyId ?? "" } }],
        "rotation.completed",
        { removedKeyId },
      );
      log.info({ rotationId: s.r.id }, "rotation completed");
    },
  };
  return s;
}

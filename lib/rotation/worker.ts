/** The scheduler's side: claim a rotation with work to do (lease), advance it, release it. */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { getConfig } from "../config";
import type { Ctx } from "../context";
import { logger } from "../log";
import { runRotation, type RunOptions } from "./machine";
import { claimRotation, LeaseLostError, releaseLease, renewLease } from "./store";

const log = logger("rotation.worker");

function rotationWorkerName(): string {
  return `${hostname()}:${process.pid}:rotation:${randomBytes(3).toString("hex")}`;
}

/** Advances every rotation that has work to do now; returns how many were advanced. */
export async function runDueRotations(
  ctx: Ctx,
  o: Partial<RunOptions> & { leaseMs?: number; max?: number } = {},
): Promise<number> {
  const worker = o.worker ?? rotationWorkerName();
  const leaseMs = o.leaseMs ?? getConfig().rotation.leaseMs;
  let n = 0;
  // a rotation whose run failed is not taken again in the same tick (the next tick retries it)
  const seen = new Set<string>();
  for (; n < (o.max ?? 20); n++) {
    if (o.signal?.aborted) break;
    const r = await claimRotation(ctx, worker, leaseMs);
    if (!r) break;
    if (seen.has(r.id)) {
      await releaseLease(ctx, r.id, worker).catch(() => undefined);
      break;
    }
    seen.add(r.id);
    const renew = setInterval(
      () => {
        renewLease(ctx, r.id, worker, leaseMs).catch(() => undefined);
      },
      Math.max(1000, leaseMs / 3),
    );
    try {
      await runRotation(ctx, r, { ...o, worker });
    } catch (e) {
      // a cloud or database failure outside a handled step: the lease lapses and the next tick resumes
      if (!(e instanceof LeaseLostError))
        log.error({ rotationId: r.id, err: (e as Error).name }, "rotation run failed; it resumes on a later tick");
    } finally {
      clearInterval(renew);
      await releaseLease(ctx, r.id, worker).catch(() => undefined);
    }
  }
  return n;
}

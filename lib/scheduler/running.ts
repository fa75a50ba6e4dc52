/** The runs in flight on this replica: at most one per job, each abortable, each awaited on shutdown. */
import { logger } from "../log";
import { errorText, runJob, type RunSpec } from "./run";

const log = logger("scheduler");

interface InFlight {
  controller: AbortController;
  done: Promise<void>;
}

export class RunningJobs {
  private readonly runs = new Map<string, InFlight>();

  has(name: string): boolean {
    return this.runs.has(name);
  }

  names(): string[] {
    return [...this.runs.keys()];
  }

  /** Starts one run of the job; it leaves this set when it settles, however it ends. */
  start(spec: Omit<RunSpec, "controller">): void {
    const name = spec.job.name;
    const controller = new AbortController();
    const done = runJob({ ...spec, controller })
      .then(() => undefined)
      .catch((e) => log.error({ job: name, err: errorText(e) }, "scheduler could not record the job's result"))
      .finally(() => this.runs.delete(name));
    this.runs.set(name, { controller, done });
  }

  abortAll(reason: Error): void {
    for (const [name, run] of this.runs) {
      log.info({ job: name }, "aborting job for shutdown");
      run.controller.abort(reason);
    }
  }

  /** Resolves when nothing is running, including runs started while waiting. */
  async idle(): Promise<void> {
    while (this.runs.size) await Promise.allSettled([...this.runs.values()].map((r) => r.done));
  }

  /** True when every run settled within `ms`; false when some were still running then. */
  async settleWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
      timer.unref();
    });
    try {
      return await Promise.race([this.idle().then(() => true as const), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The state one scan run shares across its phases: the database handle, the abort signal (the caller's, or a cancel
 * seen by the heartbeat), the counters written as progress, the scan-level errors, and the bounded writer pool.
 */
import { setMaxListeners } from "node:events";
import { eq } from "drizzle-orm";
import { Semaphore, type CallOptions, type Limiter, type RetryPolicy } from "../cloud";
import type { Ctx, TxCtx } from "../context";
import type { DbOrTx } from "../db/client";
import { scanRuns, type ScanRun, type ScanStats } from "../db/schema";
import { withTransaction } from "../db/transaction";
import { logger } from "../log";

const log = logger("discovery");

export interface ExecuteScanOptions {
  signal?: AbortSignal;
  /** overrides of the retry policy (tests use short timeouts) */
  retry?: Partial<RetryPolicy>;
  /** how often progress and the heartbeat are written (default 2 s) */
  heartbeatMs?: number;
}

export type ScanCounters = Required<
  Pick<
    ScanRun,
    "vaultsTotal" | "vaultsDone" | "vaultsFailed" | "objectsSeen" | "appsSeen" | "errorCount" | "requestCount"
  >
> & {
  retries: number;
  detailCalls: number;
  detailSkipped: number;
  rowsWritten: number;
};

/** An error that belongs to the scan rather than to one vault (subscriptions, vault listing, Graph, a failed write). */
export interface ScanLevelError {
  scope: string;
  kind: string;
  code?: string;
  message: string;
  remediation: string;
}

export class ScanSession {
  readonly scanId: string;
  readonly started = Date.now();
  /** one "now" for every expiry status computed by this scan */
  readonly now = new Date();
  readonly counters: ScanCounters = {
    vaultsTotal: 0,
    vaultsDone: 0,
    vaultsFailed: 0,
    objectsSeen: 0,
    appsSeen: 0,
    errorCount: 0,
    requestCount: 0,
    retries: 0,
    detailCalls: 0,
    detailSkipped: 0,
    rowsWritten: 0,
  };
  readonly stats: ScanStats = {};
  readonly errors: ScanLevelError[] = [];
  readonly signal: AbortSignal;
  cancelRequested: boolean;
  private dbMs = 0;
  private readonly dbCtx: Ctx;
  private readonly ac = new AbortController();
  private readonly onOuterAbort = () => this.ac.abort();
  // PGlite is one connection; PostgreSQL gets a few writers so database time overlaps with network time.
  private readonly writers: Semaphore;
  private timer: ReturnType<typeof setInterval> | undefined;
  private beating: Promise<void> | undefined;
  private readonly countAttempt = () => {
    this.counters.requestCount++;
  };
  private readonly countRetry = () => {
    this.counters.retries++;
  };

  constructor(
    ctx: Ctx,
    readonly db: DbOrTx,
    readonly run: ScanRun,
    dbKind: "postgres" | "pglite",
    private readonly opts: ExecuteScanOptions,
  ) {
    this.scanId = run.id;
    this.dbCtx = { ...ctx, db };
    this.cancelRequested = run.cancelRequested;
    this.writers = new Semaphore(dbKind === "pglite" ? 1 : 4);
    if (opts.signal?.aborted) this.ac.abort();
    opts.signal?.addEventListener("abort", this.onOuterAbort, { once: true });
    this.signal = this.ac.signal;
    // every in-flight request listens to the scan's signal
    setMaxListeners(0, this.signal);
  }

  /** The context audits and transactions of this scan run with: the caller's actor on the scan's handle. */
  get ctx(): Ctx {
    return this.dbCtx;
  }

  stopRequested(): boolean {
    return this.signal.aborted || this.cancelRequested;
  }

  /** Options for cloud calls: the scan's retry policy and counters, a limiter, and a signal (the scan's by default). */
  callOptions(limiter: Limiter, signal: AbortSignal = this.signal): CallOptions {
    return { signal, limiter, retry: this.opts.retry, onAttempt: this.countAttempt, onRetry: this.countRetry };
  }

  /** Runs a database step and adds its duration to the scan's database time. */
  async timed<T>(fn: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      this.dbMs += performance.now() - t;
    }
  }

  /** One transaction through the bounded writer pool (a vault's inventory, the apps, …), timed. */
  write<T>(fn: (tx: TxCtx) => Promise<T>): Promise<T> {
    return this.writers.run(() => this.timed(() => withTransaction(this.dbCtx, fn)));
  }

  recordError(e: ScanLevelError): void {
    this.errors.push(e);
  }

  /** The scan_runs columns that report progress (also written with the final status). */
  progressSet() {
    const c = this.counters;
    return {
      heartbeatAt: new Date(),
      vaultsTotal: c.vaultsTotal,
      vaultsDone: c.vaultsDone,
      vaultsFailed: c.vaultsFailed,
      objectsSeen: c.objectsSeen,
      appsSeen: c.appsSeen,
      errorCount: c.errorCount,
      requestCount: c.requestCount,
      stats: {
        ...this.stats,
        requests: c.requestCount,
        retries: c.retries,
        detailCalls: c.detailCalls,
        detailSkipped: c.detailSkipped,
        rowsWritten: c.rowsWritten,
        dbMs: Math.round(this.dbMs),
        durationMs: Date.now() - this.started,
      },
    };
  }

  /** Writes progress and the heartbeat, and learns whether someone asked the scan to stop. */
  async beat(): Promise<void> {
    const [r] = await this.db
      .update(scanRuns)
      .set(this.progressSet())
      .where(eq(scanRuns.id, this.scanId))
      .returning({ cancelRequested: scanRuns.cancelRequested });
    if (r?.cancelRequested) this.cancelRequested = true;
  }

  startHeartbeat(): void {
    this.timer = setInterval(() => {
      if (this.beating) return;
      this.beating = this.beat()
        .catch((e) => log.warn({ scanId: this.scanId, err: (e as Error).message }, "heartbeat failed"))
        .finally(() => (this.beating = undefined));
    }, this.opts.heartbeatMs ?? 2000);
    this.timer.unref?.();
  }

  /** Stops the heartbeat and lets go of the caller's signal; waits for a heartbeat in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.opts.signal?.removeEventListener("abort", this.onOuterAbort);
    await this.beating;
  }
}

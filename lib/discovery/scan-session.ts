/**
 * The state one scan run shares across its phases: the database handle, the abort signal (the caller's, or the loss
 * of the lease), the counters written as progress, the scan-level errors not yet recorded, the bounded writer pool,
 * and the heartbeat that renews this worker's lease on the scan.
 */
import { setMaxListeners } from "node:events";
import { eq } from "drizzle-orm";
import { Semaphore, type CallOptions, type Limiter, type RetryPolicy } from "../cloud";
import type { Ctx, TxCtx } from "../context";
import type { DbOrTx } from "../db/client";
import { scanErrors, scanRuns, type ScanCheckpoint, type ScanRun, type ScanStats } from "../db/schema";
import { withTransaction } from "../db/transaction";
import { logger } from "../log";
import { holdScan, releaseLease, renewLease, type ScanLeaseOptions } from "./scan-lease";

const log = logger("discovery");

export interface ExecuteScanOptions extends Pick<ScanLeaseOptions, "worker" | "leaseMs"> {
  /** aborted when the worker stops: the scan lets go of its lease and another worker resumes it */
  signal?: AbortSignal;
  /** overrides of the retry policy (tests use short timeouts) */
  retry?: Partial<RetryPolicy>;
  /** how often progress is written and the lease renewed (default SCAN_HEARTBEAT_MS) */
  heartbeatMs?: number;
}

/** The session's options with every default applied (executeScan resolves them). */
export type ScanSessionOptions = ExecuteScanOptions & { worker: string; leaseMs: number; heartbeatMs: number };

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
  readonly worker: string;
  /** when the scan first started: a resumed scan's duration spans its interruptions */
  readonly started: number;
  /** one "now" for every expiry status computed by this scan */
  readonly now = new Date();
  readonly counters: ScanCounters;
  readonly stats: ScanStats;
  /** scan-level errors not yet recorded (a checkpoint or the end of the scan records them) */
  readonly errors: ScanLevelError[] = [];
  readonly signal: AbortSignal;
  cancelRequested: boolean;
  checkpoint: ScanCheckpoint;
  /** another worker holds the scan now (or this one could not renew in time): nothing more may be written */
  leaseLost = false;
  private renewedAt = Date.now();
  private dbMs: number;
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
    private readonly opts: ScanSessionOptions,
  ) {
    this.scanId = run.id;
    this.worker = opts.worker;
    this.started = run.startedAt?.getTime() ?? Date.now();
    this.checkpoint = run.checkpoint;
    // What earlier attempts counted as they went (the done records set the exact counters: loadResumePoint).
    const st = run.stats;
    this.counters = {
      vaultsTotal: 0,
      vaultsDone: 0,
      vaultsFailed: 0,
      objectsSeen: 0,
      appsSeen: 0,
      errorCount: 0,
      requestCount: run.requestCount,
      retries: st.retries ?? 0,
      detailCalls: st.detailCalls ?? 0,
      detailSkipped: st.detailSkipped ?? 0,
      rowsWritten: st.rowsWritten ?? 0,
    };
    this.stats = { subscriptions: st.subscriptions, vaultListSource: st.vaultListSource };
    this.dbMs = st.dbMs ?? 0;
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

  /** The worker is stopping (its signal aborted): the scan is handed over, not ended. */
  get workerStopping(): boolean {
    return !!this.opts.signal?.aborted && !this.leaseLost;
  }

  /** Stops everything in flight: from here on the scan belongs to whoever holds its lease. */
  loseLease(reason: string): void {
    if (this.leaseLost) return;
    this.leaseLost = true;
    clearInterval(this.timer);
    log.warn({ scanId: this.scanId, worker: this.worker, reason }, "scan lease lost; stopping this worker's part");
    this.ac.abort();
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

  /**
   * A checkpoint: one transaction, fenced by the lease, that records the pending scan-level errors, writes the
   * progress with the new checkpoint, and runs `fn`. Only once it commits does the checkpoint hold.
   */
  async writeCheckpoint(next: ScanCheckpoint, fn: (tx: TxCtx) => Promise<void> = async () => undefined): Promise<void> {
    const pending = this.errors.splice(0);
    let counted = false;
    try {
      await this.write(async (tx) => {
        await holdScan(tx.db, this.scanId, this.worker, "update");
        if (pending.length)
          await tx.db.insert(scanErrors).values(
            pending.map((e) => ({
              scanId: this.scanId,
              scope: e.scope,
              kind: e.kind,
              code: e.code ?? null,
              message: e.message,
              remediation: e.remediation,
            })),
          );
        this.counters.errorCount += pending.length;
        counted = true;
        await tx.db
          .update(scanRuns)
          .set({ ...this.progressSet(), checkpoint: next })
          .where(eq(scanRuns.id, this.scanId));
        await fn(tx);
      });
    } catch (e) {
      if (counted) this.counters.errorCount -= pending.length;
      this.errors.unshift(...pending);
      throw e;
    }
    this.checkpoint = next;
  }

  /** The scan_runs columns that report progress (also written with the final status). */
  progressSet() {
    const c = this.counters;
    return {
      heartbeatAt: new Date(),
      ...this.reportedCounts(),
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

  /** The counters a scan run reports (its scan_runs columns, and the audit details of its end). */
  reportedCounts() {
    const c = this.counters;
    return {
      vaultsTotal: c.vaultsTotal,
      vaultsDone: c.vaultsDone,
      vaultsFailed: c.vaultsFailed,
      objectsSeen: c.objectsSeen,
      appsSeen: c.appsSeen,
      errorCount: c.errorCount,
      requestCount: c.requestCount,
    };
  }

  /** Writes progress, renews the lease, and learns whether someone asked the scan to stop. */
  async beat(): Promise<void> {
    if (this.leaseLost) return;
    const sent = Date.now();
    const r = await renewLease(this.db, this.scanId, this.worker, this.opts.leaseMs, this.progressSet());
    if (!r) return this.loseLease("another worker holds the scan");
    this.renewedAt = sent;
    if (r.cancelRequested) this.cancelRequested = true;
  }

  /** A graceful stop: progress written, the lease let go, so the next claim resumes the scan without waiting. */
  async release(): Promise<void> {
    await releaseLease(this.db, this.scanId, this.worker, this.progressSet());
  }

  startHeartbeat(): void {
    const { leaseMs, heartbeatMs } = this.opts;
    this.timer = setInterval(() => {
      // Stop one heartbeat before the lease could lapse: by the time another worker may take over, this one has let go.
      if (Date.now() - this.renewedAt > leaseMs - heartbeatMs) return this.loseLease("lease not renewed in time");
      if (this.beating) return;
      this.beating = this.beat()
        .catch((e) => log.warn({ scanId: this.scanId, err: (e as Error).message }, "heartbeat failed"))
        .finally(() => (this.beating = undefined));
    }, heartbeatMs);
    this.timer.unref?.();
  }

  /** Stops the heartbeat and lets go of the caller's signal; waits for a heartbeat in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.opts.signal?.removeEventListener("abort", this.onOuterAbort);
    await this.beating;
  }
}

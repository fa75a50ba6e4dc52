/**
 * The one retry/backoff policy for every cloud call. The SDKs' own retries are turned down to zero (see clients.ts) so
 * the two never multiply. Covers what the SDKs don't: 429 without Retry-After, connection resets, per-request timeouts.
 *
 * - full-jitter exponential backoff: sleep = random(0, min(maxDelay, base × 2^attempt))
 * - Retry-After / retry-after-ms / x-ms-retry-after-ms honoured (capped at maxRetryAfterMs)
 * - bounded attempts; each attempt gets its own AbortSignal that fires after timeoutMs (and when the caller aborts)
 */
import { errorHeader, errorStatus, isAbortError, isNetworkError } from "./errors";
import { unlimited, type Limiter } from "./semaphore";

export interface RetryPolicy {
  /** total attempts including the first */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** per-attempt timeout */
  timeoutMs: number;
  /** longest Retry-After we wait for; longer asks fail the call (recorded as throttled) */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 6,
  baseDelayMs: 400,
  maxDelayMs: 20_000,
  timeoutMs: 30_000,
  maxRetryAfterMs: 60_000,
};

export interface CallOptions {
  signal?: AbortSignal;
  /** limits concurrency per attempt (the slot is released while backing off) */
  limiter?: Limiter;
  retry?: Partial<RetryPolicy>;
  /** called once per attempt (request made) */
  onAttempt?: () => void;
  /** called before sleeping for a retry */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export class TimeoutError extends Error {
  readonly code = "REQUEST_TIMEOUT";
  constructor(ms: number) {
    super(`request timed out after ${ms} ms`);
    this.name = "TimeoutError";
  }
}

export class AbortedError extends Error {
  readonly code = "ABORTED";
  constructor() {
    super("scan aborted");
    this.name = "AbortError";
  }
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AbortedError();
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError());
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new AbortedError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Milliseconds the server asked us to wait, if it said so. */
export function retryAfterMs(err: unknown): number | undefined {
  const ms = errorHeader(err, "retry-after-ms") ?? errorHeader(err, "x-ms-retry-after-ms");
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Number(ms);
  const ra = errorHeader(err, "retry-after");
  if (!ra) return undefined;
  if (/^\d+(\.\d+)?$/.test(ra.trim())) return Number(ra) * 1000;
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

const RETRIABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

export function isRetriable(err: unknown): boolean {
  if (err instanceof TimeoutError) return true;
  const status = errorStatus(err);
  if (status !== undefined && RETRIABLE_STATUS.has(status)) return true;
  return isNetworkError(err);
}

/** Runs `op` with the policy. `op` must pass the signal it is given to the SDK call. */
export async function withRetry<T>(op: (signal: AbortSignal) => Promise<T>, opts: CallOptions = {}): Promise<T> {
  const p = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
  const limiter = opts.limiter ?? unlimited;
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(opts.signal);
    let timedOut = false;
    const ctl = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let rejectHung: ((e: Error) => void) | undefined;
    const onOuter = () => {
      ctl.abort();
      rejectHung?.(new AbortedError());
    };
    opts.signal?.addEventListener("abort", onOuter, { once: true });
    try {
      return await limiter(() => {
        if (opts.signal?.aborted) throw new AbortedError();
        opts.onAttempt?.();
        // The timer starts when the request is sent (not while queued for a slot). Racing against it means a client
        // that ignores its AbortSignal still cannot hang the scan.
        const hung = new Promise<never>((_, reject) => {
          rejectHung = reject;
          timer = setTimeout(() => {
            timedOut = true;
            ctl.abort();
            reject(new TimeoutError(p.timeoutMs));
          }, p.timeoutMs);
        });
        const req = op(ctl.signal);
        req.catch(() => undefined);
        return Promise.race([req, hung]);
      });
    } catch (e) {
      if (opts.signal?.aborted) throw new AbortedError();
      const err = timedOut && (isAbortError(e) || isNetworkError(e)) ? new TimeoutError(p.timeoutMs) : e;
      if (attempt + 1 >= p.attempts || !isRetriable(err)) throw err;
      const backoff = Math.random() * Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** attempt);
      const asked = retryAfterMs(err);
      if (asked !== undefined && asked > p.maxRetryAfterMs) throw err;
      const delay = asked !== undefined ? Math.max(asked, backoff / 4) : backoff;
      opts.onRetry?.({ attempt: attempt + 1, delayMs: delay, reason: describeForRetry(err) });
      await sleep(delay, opts.signal);
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onOuter);
    }
  }
}

function describeForRetry(err: unknown): string {
  if (err instanceof TimeoutError) return "timeout";
  const s = errorStatus(err);
  if (s) return `http ${s}`;
  return (err as { code?: string })?.code ?? "network";
}

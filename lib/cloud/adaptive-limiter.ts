/**
 * A concurrency limit that finds its own level (AIMD, as TCP does): after each round of `limit` calls that came back
 * unthrottled and about as fast as the fastest seen, and in which the limit was reached, it grows by one (as TCP does
 * not grow a window the sender does not fill, RFC 7661); a throttled call (429, or 503 with Retry-After)
 * halves it — at most once a round, so one burst of 429s is one back-off — and pauses new calls until the Retry-After
 * has passed; a round whose latency rose well above the floor shrinks it by a quarter (the client, or the service, is
 * saturated). The scanner keeps one for the scan, one per subscription and one per vault (lib/discovery/scan-limits.ts).
 */
import { errorStatus } from "./errors";
import { retryAfterMs } from "./retry";

export interface AdaptiveOptions {
  initial: number;
  min?: number;
  max: number;
  /** false: never shrinks on latency (per-vault limits: only 429s move them) */
  latency?: boolean;
  /**
   * "cut" (default): a throttled call halves the limit and pauses for its Retry-After. "hold": it only stops growth for
   * the round — for a limit shared by many scopes, where one scope's 429 must not slow the others (its own limit does).
   */
  onThrottle?: "cut" | "hold";
  /** asked at the end of each clean round before growing: false holds the limit (e.g. this process is CPU-bound) */
  canGrow?: () => boolean;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface AdaptiveStats {
  limit: number;
  peak: number;
  low: number;
  throttled: number;
  decreases: number;
  increases: number;
  pausedMs: number;
}

/** Whether a call's error says the service throttled it (the signal to back off). */
export function isThrottle(e: unknown): boolean {
  const s = errorStatus(e);
  return s === 429 || (s === 503 && retryAfterMs(e) !== undefined);
}

export class AdaptiveLimiter {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  private limitNow: number;
  private readonly min: number;
  private readonly max: number;
  private pausedUntil = 0;
  private floorMs = Infinity;
  /** `saturated`: the limit was reached in this round (a call had to wait, or took the last slot) */
  private round = { done: 0, totalMs: 0, throttled: false, saturated: false };
  /** completions counted when the limit was last halved */
  private lastCut = -Infinity;
  private completions = 0;
  readonly stats: AdaptiveStats;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: AdaptiveOptions) {
    this.min = Math.max(1, o.min ?? 1);
    this.max = Math.max(this.min, o.max);
    this.limitNow = Math.min(this.max, Math.max(this.min, o.initial));
    this.now = o.now ?? Date.now;
    this.sleep = o.sleep ?? ((ms) => new Promise((ok) => setTimeout(ok, ms)));
    this.stats = {
      limit: this.limitNow,
      peak: this.limitNow,
      low: this.limitNow,
      throttled: 0,
      decreases: 0,
      increases: 0,
      pausedMs: 0,
    };
  }

  get limit(): number {
    return this.limitNow;
  }
  get inFlight(): number {
    return this.active;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    const t0 = this.now();
    try {
      const out = await fn();
      this.completed(this.now() - t0);
      return out;
    } catch (e) {
      if (!isThrottle(e)) this.completed(this.now() - t0, true);
      else if (this.o.onThrottle === "hold") {
        this.round.throttled = true;
        this.stats.throttled++;
      } else {
        this.throttled(retryAfterMs(e));
        this.completions++;
      }
      throw e;
    } finally {
      this.release();
    }
  }

  /** A throttled call: halve (once a round) and pause new calls for the Retry-After asked. */
  throttled(retryAfter?: number): void {
    this.stats.throttled++;
    this.round.throttled = true;
    if (retryAfter !== undefined) {
      const now = this.now();
      const until = now + retryAfter;
      if (until > this.pausedUntil) {
        this.stats.pausedMs += until - Math.max(now, this.pausedUntil);
        this.pausedUntil = until;
      }
    }
    // one cut per round: the calls already in flight when the service pushed back will see 429s too
    if (this.completions - this.lastCut < this.limitNow / 2) return;
    this.setLimit(Math.floor(this.limitNow / 2));
    this.stats.decreases++;
    this.lastCut = this.completions;
    this.round = { done: 0, totalMs: 0, throttled: true, saturated: false };
  }

  private completed(ms: number, failed = false): void {
    this.completions++;
    if (!failed && ms < this.floorMs) this.floorMs = ms;
    this.round.done++;
    this.round.totalMs += ms;
    if (this.round.done < this.limitNow) return;
    const mean = this.round.totalMs / this.round.done;
    const byLatency = this.o.latency !== false;
    const slow = byLatency && mean > 2 * this.floorMs + 20;
    if (slow && this.limitNow > this.min) {
      this.setLimit(Math.floor(this.limitNow * 0.75));
      this.stats.decreases++;
    } else if (
      !this.round.throttled &&
      !slow &&
      // a limit the callers never reached is not what held them back: growing it only allows a later burst
      this.round.saturated &&
      this.limitNow < this.max &&
      (this.o.canGrow?.() ?? true)
    ) {
      // without latency control (per-vault limits) a limit that was cut comes back one step per clean round
      this.setLimit(this.limitNow + 1);
      this.stats.increases++;
    }
    this.round = { done: 0, totalMs: 0, throttled: false, saturated: false };
  }

  private setLimit(n: number): void {
    this.limitNow = Math.min(this.max, Math.max(this.min, n));
    this.stats.limit = this.limitNow;
    this.stats.peak = Math.max(this.stats.peak, this.limitNow);
    this.stats.low = Math.min(this.stats.low, this.limitNow);
    // a raised limit lets queued calls in
    while (this.active < this.limitNow && this.waiters.length) {
      this.active++;
      this.waiters.shift()!();
    }
  }

  private async acquire(): Promise<void> {
    for (;;) {
      const wait = this.pausedUntil - this.now();
      if (wait > 0) {
        await this.sleep(wait);
        continue;
      }
      break;
    }
    if (this.active < this.limitNow) {
      if (++this.active >= this.limitNow) this.round.saturated = true;
      return;
    }
    this.round.saturated = true;
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private release(): void {
    this.active--;
    // a call still waiting for the slot: the callers want more than the limit
    if (this.waiters.length) this.round.saturated = true;
    while (this.active < this.limitNow && this.waiters.length) {
      this.active++;
      this.waiters.shift()!();
    }
  }
}

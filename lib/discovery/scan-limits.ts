/**
 * The scan's concurrency: one adaptive limit for the whole scan (grows while latency stays flat and nothing is
 * throttled and the event loop has room (a CPU-bound scanner gains nothing from more calls in flight), from the
 * configured `global` up to 4× it, never above 256, and back down to `global` — not below — when a
 * round's latency rises above twice the fastest call + 20 ms), one per subscription and one per vault (each
 * halved by its own 429s and paused for their Retry-After, growing back one step per clean round up to its ceiling).
 * Key Vault throttles per vault and per subscription and region: a 429 from one vault slows that vault; 429s from two
 * vaults of one subscription within 10 s slow the subscription. Settings `discovery.concurrency.adaptive: false` keeps
 * the fixed limits of earlier releases.
 */
import { performance } from "node:perf_hooks";
import type { ScanStats } from "../db/schema";
import {
  AdaptiveLimiter,
  chain,
  isThrottle,
  retryAfterMs,
  Semaphore,
  type AdaptiveStats,
  type Limiter,
} from "../cloud";

const SUBSCRIPTION_WINDOW_MS = 10_000;
/** above this event-loop utilisation the scanner itself is the bottleneck: more calls in flight only queue */
const BUSY_ELU = 0.8;

/**
 * Whether the event loop had room since the last ask (its utilisation below BUSY_ELU). A scan bound by its own CPU
 * gains nothing from more calls in flight — they wait for the loop, hold memory and inflate every latency.
 */
function eventLoopHasRoom(): () => boolean {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const d = performance.eventLoopUtilization(now, last);
    last = now;
    return d.utilization < BUSY_ELU;
  };
}

/** What a scan's limits did (stored as scan_runs.stats.concurrency, whose type documents the fields). */
export type LimitsSummary = NonNullable<ScanStats["concurrency"]>;

interface SubscriptionLimit {
  limiter: AdaptiveLimiter;
  /** when each vault of it was last throttled */
  recent: Map<string, number>;
}

export class ScanLimits {
  readonly global: AdaptiveLimiter | Semaphore;
  private readonly subs = new Map<string, SubscriptionLimit>();
  private readonly vaults: AdaptiveStats[] = [];
  /** the configured scan-wide limit (where the adaptive one starts) */
  readonly start: number;

  constructor(
    private readonly conc: { global: number; perVault: number; adaptive: boolean },
    private readonly now: () => number = Date.now,
  ) {
    this.start = conc.global;
    this.global = conc.adaptive
      ? new AdaptiveLimiter({
          initial: conc.global,
          max: Math.min(256, Math.max(conc.global, conc.global * 4)),
          // never below the configured limit: rising latency only takes back what flat latency gave
          min: conc.global,
          onThrottle: "hold",
          canGrow: eventLoopHasRoom(),
          now,
        })
      : new Semaphore(conc.global);
  }

  /** The most calls the scan may have in flight (sizes the vault worker pool). */
  get ceiling(): number {
    return this.global instanceof Semaphore ? this.global.max : Math.min(256, Math.max(this.start, this.start * 4));
  }

  /** The limiter for scan-wide calls (ARM, Resource Graph, Graph): the scan's limit only. */
  scanWide(): Limiter {
    return (fn) => this.global.run(fn);
  }

  /** The limiter chain for one vault's calls: the vault's own, its subscription's, the scan's. */
  forVault(subscriptionId: string, vaultName: string): Limiter {
    if (this.global instanceof Semaphore) return chain(new Semaphore(this.conc.perVault), this.global);
    const vault = new AdaptiveLimiter({
      initial: this.conc.perVault,
      max: this.conc.perVault,
      latency: false,
      now: this.now,
    });
    this.vaults.push(vault.stats);
    const sub = this.subscription(subscriptionId);
    const subLimiter: Limiter = async (fn) => {
      try {
        return await sub.limiter.run(fn);
      } catch (e) {
        if (isThrottle(e)) this.subscriptionThrottled(sub, vaultName, retryAfterMs(e));
        throw e;
      }
    };
    return chain(
      (fn) => vault.run(fn),
      subLimiter,
      (fn) => (this.global as AdaptiveLimiter).run(fn),
    );
  }

  private subscription(id: string): SubscriptionLimit {
    let s = this.subs.get(id.toLowerCase());
    if (!s) {
      s = {
        limiter: new AdaptiveLimiter({
          initial: this.ceiling,
          max: this.ceiling,
          latency: false,
          onThrottle: "hold",
          now: this.now,
        }),
        recent: new Map(),
      };
      this.subs.set(id.toLowerCase(), s);
    }
    return s;
  }

  private subscriptionThrottled(s: SubscriptionLimit, vault: string, retryAfter?: number) {
    const now = this.now();
    s.recent.set(vault, now);
    for (const [v, at] of s.recent) if (now - at > SUBSCRIPTION_WINDOW_MS) s.recent.delete(v);
    if (s.recent.size >= 2) s.limiter.throttled(retryAfter);
  }

  summary(): LimitsSummary {
    if (this.global instanceof Semaphore)
      return {
        adaptive: false,
        global: { start: this.start, end: this.start, peak: this.start, low: this.start },
        throttled: 0,
        vaultsSlowed: 0,
        subscriptionsSlowed: 0,
        pausedMs: 0,
      };
    const g = this.global.stats;
    const subs = [...this.subs.values()].map((s) => s.limiter.stats);
    return {
      adaptive: true,
      global: { start: this.start, end: g.limit, peak: g.peak, low: g.low },
      throttled: g.throttled,
      vaultsSlowed: this.vaults.filter((v) => v.decreases > 0).length,
      subscriptionsSlowed: subs.filter((v) => v.decreases > 0).length,
      pausedMs: Math.max(0, ...this.vaults.map((v) => v.pausedMs), ...subs.map((v) => v.pausedMs)),
    };
  }
}

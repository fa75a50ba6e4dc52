import { describe, expect, it } from "vitest";
import { AdaptiveLimiter } from "@/lib/cloud/adaptive-limiter";
import { HttpError } from "@/lib/cloud/errors";
import { ScanLimits } from "@/lib/discovery/scan-limits";

/** A manual clock: calls "take" `ms` by advancing it; sleeps advance it too. */
function clock() {
  let t = 0;
  return {
    now: () => t,
    advance: (ms: number) => (t += ms),
    sleep: async (ms: number) => {
      t += ms;
    },
  };
}

const throttle = (retryAfterS?: number) =>
  new HttpError(429, "Throttled", "too many", retryAfterS === undefined ? {} : { "retry-after": String(retryAfterS) });

async function calls(l: AdaptiveLimiter, n: number, c: ReturnType<typeof clock>, ms: number, fail?: () => unknown) {
  for (let i = 0; i < n; i++)
    await l
      .run(async () => {
        c.advance(ms);
        if (fail) throw fail();
        return i;
      })
      .catch(() => undefined);
}

/**
 * `n` calls at once, each taking `ms` (the clock moves once, for all of them together): a caller that fills the limit.
 * `n` is the limit, so the wave is one round and no call queues behind another.
 */
async function wave(l: AdaptiveLimiter, n: number, c: ReturnType<typeof clock>, ms: number) {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const all = Array.from({ length: n }, (_, i) =>
    l.run(async () => {
      await gate;
      return i;
    }),
  );
  await new Promise((r) => setImmediate(r)); // every call has its slot
  c.advance(ms);
  open();
  await Promise.all(all);
}

/** Waves that each fill the limit as it is then, `rounds` times. */
async function waves(l: AdaptiveLimiter, rounds: number, c: ReturnType<typeof clock>, ms: number) {
  for (let i = 0; i < rounds; i++) await wave(l, l.limit, c, ms);
}

describe("AdaptiveLimiter", () => {
  it("grows one step per round while latency stays flat and nothing is throttled, up to its max", async () => {
    const c = clock();
    const l = new AdaptiveLimiter({ initial: 4, max: 6, now: c.now, sleep: c.sleep });
    await waves(l, 1, c, 25);
    expect(l.limit).toBe(5);
    await waves(l, 1, c, 25);
    expect(l.limit).toBe(6);
    await waves(l, 10, c, 25);
    expect(l.limit).toBe(6);
    expect(l.stats).toMatchObject({ peak: 6, increases: 2, decreases: 0 });
  });

  it("does not grow a limit its callers never reach (one call at a time, or fewer calls than slots)", async () => {
    const c = clock();
    const l = new AdaptiveLimiter({ initial: 4, max: 64, now: c.now, sleep: c.sleep });
    await calls(l, 60, c, 25);
    expect(l.limit).toBe(4);
    for (let i = 0; i < 20; i++) await wave(l, 3, c, 25);
    expect(l.stats).toMatchObject({ limit: 4, peak: 4, increases: 0 });
    // a queue behind the limit is the demand it was holding back: then it grows
    await Promise.all(Array.from({ length: 12 }, () => l.run(async () => c.advance(0))));
    expect(l.limit).toBeGreaterThan(4);
  });

  it("does not grow, and shrinks by a quarter, when a round's latency rises well above the fastest seen", async () => {
    const c = clock();
    const l = new AdaptiveLimiter({ initial: 8, max: 64, now: c.now, sleep: c.sleep });
    await waves(l, 1, c, 25);
    expect(l.limit).toBe(9);
    await waves(l, 1, c, 200);
    expect(l.limit).toBe(6);
    // latency control off (per-vault limits): slow rounds do not shrink it
    const v = new AdaptiveLimiter({ initial: 4, max: 4, latency: false, now: c.now, sleep: c.sleep });
    await waves(v, 1, c, 25);
    await waves(v, 1, c, 500);
    expect(v.limit).toBe(4);
  });

  it("halves on a 429 once per round, pauses new calls for the Retry-After, then grows back", async () => {
    const c = clock();
    const l = new AdaptiveLimiter({ initial: 16, max: 16, latency: false, now: c.now, sleep: c.sleep });
    await calls(l, 3, c, 10, () => throttle(2));
    // three 429s from one burst: one cut, one pause of 2 s
    expect(l.limit).toBe(8);
    expect(l.stats).toMatchObject({ throttled: 3, decreases: 1 });
    const before = c.now();
    await l.run(async () => 1);
    expect(c.now() - before).toBeGreaterThanOrEqual(2000 - 30);
    expect(l.stats.pausedMs).toBeGreaterThanOrEqual(2000);
    // the rest of the throttled round (7) does not grow it; then one step per clean round: 8 → 9 → 10 → 11
    await wave(l, 7, c, 10);
    expect(l.limit).toBe(8);
    await waves(l, 3, c, 10);
    expect(l.limit).toBe(11);
  });

  it("holds (no cut, no pause) when told to, but stops growing for the round", async () => {
    const c = clock();
    const l = new AdaptiveLimiter({ initial: 4, max: 8, onThrottle: "hold", now: c.now, sleep: c.sleep });
    await calls(l, 3, c, 25);
    await calls(l, 1, c, 25, () => throttle(5));
    expect(l.limit).toBe(4);
    expect(l.stats.pausedMs).toBe(0);
  });

  it("never has more calls in flight than its limit", async () => {
    const l = new AdaptiveLimiter({ initial: 3, max: 3 });
    let inFlight = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        l.run(async () => {
          most = Math.max(most, ++inFlight);
          await new Promise((r) => setTimeout(r, 2));
          inFlight--;
        }),
      ),
    );
    expect(most).toBe(3);
  });
});

describe("ScanLimits", () => {
  it("a 429 slows its vault; 429s from two vaults of one subscription slow the subscription; the scan holds", async () => {
    const c = clock();
    const limits = new ScanLimits({ global: 32, perVault: 4, adaptive: true }, c.now);
    const a = limits.forVault("sub-1", "kv-a");
    const b = limits.forVault("sub-1", "kv-b");
    const other = limits.forVault("sub-2", "kv-c");
    await a(async () => Promise.reject(throttle())).catch(() => undefined);
    let s = limits.summary();
    expect(s).toMatchObject({ vaultsSlowed: 1, subscriptionsSlowed: 0, throttled: 1 });
    await b(async () => Promise.reject(throttle())).catch(() => undefined);
    s = limits.summary();
    expect(s).toMatchObject({ vaultsSlowed: 2, subscriptionsSlowed: 1, throttled: 2 });
    await other(async () => 1);
    expect(s.global).toMatchObject({ start: 32, end: 32, low: 32 });
  });

  it("fixed limits when adaptive is off", () => {
    const limits = new ScanLimits({ global: 8, perVault: 2, adaptive: false });
    expect(limits.ceiling).toBe(8);
    expect(limits.summary()).toMatchObject({ adaptive: false, global: { start: 8, end: 8 } });
  });
});

describe("AdaptiveLimiter growth gate", () => {
  it("holds the limit while canGrow says no (a CPU-bound process), grows once it says yes", async () => {
    const c = clock();
    let room = false;
    const l = new AdaptiveLimiter({ initial: 4, max: 8, canGrow: () => room, now: c.now, sleep: c.sleep });
    await waves(l, 3, c, 25);
    expect(l.limit).toBe(4);
    room = true;
    await waves(l, 1, c, 25);
    expect(l.limit).toBe(5);
  });
});

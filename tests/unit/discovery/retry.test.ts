// The one retry policy (lib/cloud/retry.ts) and error classification (lib/cloud/errors.ts), with synthetic errors.
import { describe, expect, test } from "vitest";
import { classifyError, HttpError, mapBounded, retryAfterMs, Semaphore, withRetry, chain } from "@/lib/cloud";

const fast = { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 200, attempts: 4, maxRetryAfterMs: 1000 };
const http = (status: number, headers: Record<string, string> = {}, code?: string, inner?: string) =>
  new HttpError(status, code, `status ${status}`, headers, inner);

describe("withRetry", () => {
  test("retries 429 without Retry-After, 500/503, resets; returns the eventual result", async () => {
    for (const e of [
      http(429),
      http(500),
      http(503),
      Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
    ]) {
      let n = 0;
      const r = await withRetry(
        async () => {
          if (n++ < 2) throw e;
          return "ok";
        },
        { retry: fast },
      );
      expect(r).toBe("ok");
      expect(n).toBe(3);
    }
  });

  test("honours Retry-After (seconds) and retry-after-ms", async () => {
    expect(retryAfterMs(http(429, { "retry-after": "2" }))).toBe(2000);
    expect(retryAfterMs(http(429, { "retry-after-ms": "150" }))).toBe(150);
    expect(retryAfterMs(http(429, { "x-ms-retry-after-ms": "70" }))).toBe(70);
    expect(retryAfterMs(http(429))).toBeUndefined();
    let n = 0;
    const t = Date.now();
    await withRetry(
      async () => {
        if (n++ === 0) throw http(429, { "retry-after-ms": "120" });
        return 1;
      },
      { retry: fast },
    );
    expect(Date.now() - t).toBeGreaterThanOrEqual(110);
  });

  test("a Retry-After beyond the cap fails the call instead of waiting", async () => {
    let n = 0;
    await expect(
      withRetry(
        async () => {
          n++;
          throw http(429, { "retry-after": "3600" });
        },
        { retry: fast },
      ),
    ).rejects.toMatchObject({ statusCode: 429 });
    expect(n).toBe(1);
  });

  test("bounded attempts; 403/404 are not retried", async () => {
    let n = 0;
    await expect(
      withRetry(
        async () => {
          n++;
          throw http(503);
        },
        { retry: fast },
      ),
    ).rejects.toMatchObject({ statusCode: 503 });
    expect(n).toBe(4);
    n = 0;
    await expect(
      withRetry(
        async () => {
          n++;
          throw http(403);
        },
        { retry: fast },
      ),
    ).rejects.toMatchObject({ statusCode: 403 });
    expect(n).toBe(1);
  });

  test("per-attempt timeout aborts the attempt (even if the callee ignores its signal) and retries", async () => {
    let n = 0;
    const signals: AbortSignal[] = [];
    const r = await withRetry(
      async (signal) => {
        signals.push(signal);
        if (n++ === 0) return new Promise<string>(() => undefined); // hangs forever
        return "second";
      },
      { retry: { ...fast, timeoutMs: 50 } },
    );
    expect(r).toBe("second");
    expect(signals[0].aborted).toBe(true);
  });

  test("the caller's abort stops at once, also during backoff", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    const t = Date.now();
    await expect(
      withRetry(
        async () => {
          throw http(503);
        },
        { signal: ac.signal, retry: { ...fast, baseDelayMs: 10_000, maxDelayMs: 10_000, attempts: 5 } },
      ),
    ).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - t).toBeLessThan(2000);
  });

  test("counts attempts and retries", async () => {
    let attempts = 0;
    let retries = 0;
    let n = 0;
    await withRetry(
      async () => {
        if (n++ < 3) throw http(500);
        return 1;
      },
      { retry: fast, onAttempt: () => attempts++, onRetry: () => retries++ },
    );
    expect(attempts).toBe(4);
    expect(retries).toBe(3);
  });
});

describe("limits", () => {
  test("global and per-vault semaphores bound concurrency", async () => {
    const global = new Semaphore(3);
    const perVault = new Semaphore(2);
    const lim = chain(perVault, global);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        lim(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 5));
          active--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(global.inFlight).toBe(0);
  });
});

describe("mapBounded", () => {
  const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
  test("keeps input order and never runs more than the limit at once", async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapBounded([5, 1, 4, 2, 3, 0, 6], 3, async (n, i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await tick(n * 2);
      inFlight--;
      return `${i}:${n}`;
    });
    expect(out).toEqual(["0:5", "1:1", "2:4", "3:2", "4:3", "5:0", "6:6"]);
    expect(peak).toBe(3);
  });
  test("rejects on the first failure and starts no further item", async () => {
    const started: number[] = [];
    const run = mapBounded([0, 1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      await tick(n === 1 ? 2 : 10);
      if (n === 1) throw new Error("boom");
      return n;
    });
    await expect(run).rejects.toThrow("boom");
    await tick(30);
    expect(started).toEqual([0, 1]);
  });
  test("an empty list resolves to an empty list", async () => {
    expect(await mapBounded([], 4, async () => 1)).toEqual([]);
  });
});

describe("classifyError", () => {
  test("firewall, connection, RBAC, access policy, not found, throttled, network, unknown", () => {
    expect(classifyError(http(403, {}, "Forbidden", "ForbiddenByFirewall"))).toMatchObject({
      kind: "firewall",
      innerCode: "ForbiddenByFirewall",
    });
    expect(
      classifyError(
        Object.assign(new Error("Public network access is disabled and request is not from a trusted service"), {
          statusCode: 403,
        }),
      ),
    ).toMatchObject({ kind: "firewall", innerCode: "ForbiddenByConnection" });
    expect(classifyError(http(403, {}, "Forbidden", "ForbiddenByRbac"))).toMatchObject({ kind: "permission" });
    expect(classifyError(http(403, {}, "Forbidden", "AccessDenied"))).toMatchObject({ kind: "permission" });
    expect(classifyError(http(404, {}, "ResourceNotFound"))).toMatchObject({ kind: "not_found" });
    expect(classifyError(http(429))).toMatchObject({ kind: "throttled" });
    expect(
      classifyError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" })),
    ).toMatchObject({ kind: "network" });
    expect(classifyError(http(500))).toMatchObject({ kind: "unknown" });
  });
  test("messages are truncated and stripped of tokens", () => {
    const c = classifyError(
      new Error(`boom Bearer abc.def.ghi eyJhbGciOiJub25lIn0.eyJvaWQiOiJ4In0. ${"x".repeat(2000)}`),
    );
    expect(c.message).not.toContain("abc.def.ghi");
    expect(c.message).not.toContain("eyJhbGci");
    expect(c.message.length).toBeLessThanOrEqual(600);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { cached, clearInventoryCache, inventoryCacheHoldsPromise, inventoryCacheSize } from "@/lib/inventory/cache";

describe("inventory read cache", () => {
  afterEach(() => clearInventoryCache());

  it("shares one computation per key within the TTL", async () => {
    let calls = 0;
    const compute = async () => ++calls;
    expect(await cached("k", 1000, compute, 0)).toBe(1);
    expect(await cached("k", 1000, compute, 500)).toBe(1);
    expect(await cached("k", 1000, compute, 1500)).toBe(2);
  });

  it("drops expired entries instead of holding one per data version", async () => {
    // a scan changes the version every second: each request then caches under a new key
    for (let t = 0; t < 120; t++) await cached(`dashboard:v${t}`, 30_000, async () => t, t * 1000);
    expect(inventoryCacheSize()).toBeLessThanOrEqual(31);
  });

  it("keeps entries still within their TTL", async () => {
    await cached("a", 60_000, async () => 1, 0);
    await cached("b", 1_000, async () => 2, 0);
    await cached("c", 1_000, async () => 3, 5_000);
    expect(inventoryCacheSize()).toBe(2);
  });
});

describe("inventory read cache and request contexts", () => {
  afterEach(() => clearInventoryCache());

  it("keeps the settled value, not the promise (a request's promise pins that request's async context)", async () => {
    let release!: (v: number) => void;
    const first = cached("k", 30_000, () => new Promise<number>((r) => (release = r)), 0);
    const second = cached("k", 30_000, async () => -1, 1);
    expect(inventoryCacheHoldsPromise("k")).toBe(true);
    release(7);
    expect(await first).toBe(7);
    expect(await second).toBe(7);
    expect(inventoryCacheHoldsPromise("k")).toBe(false);
    expect(await cached("k", 30_000, async () => -1, 2)).toBe(7);
  });

  it("forgets a failed computation so the next caller tries again", async () => {
    await expect(cached("f", 30_000, async () => Promise.reject(new Error("db down")), 0)).rejects.toThrow("db down");
    await Promise.resolve();
    expect(await cached("f", 30_000, async () => 3, 1)).toBe(3);
  });
});

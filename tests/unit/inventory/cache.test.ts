import { afterEach, describe, expect, it } from "vitest";
import { cached, clearInventoryCache, inventoryCacheSize } from "@/lib/inventory/cache";

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

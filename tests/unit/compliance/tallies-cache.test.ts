import { describe, expect, it } from "vitest";
import { keepTallies, takeTallies } from "@/lib/compliance/tallies-cache";
import type { Tallies } from "@/lib/compliance/tallies";

describe("the kept tallies", () => {
  it("are handed over once, and only for the snapshot that wrote them", () => {
    const t: Tallies = new Map([["r\0s\0v", { r: "r", s: "s", v: "v", n: 3, p: 2, w: 0, u: 0 }]]);
    keepTallies("snap-1", t);
    // another process wrote a newer snapshot: a miss, the evaluation reads the stored tallies
    expect(takeTallies("snap-2")).toBeUndefined();
    expect(takeTallies("snap-1")).toBe(t);
    // the evaluation changes them in place: a second taker must not get the changed map
    expect(takeTallies("snap-1")).toBeUndefined();
  });
});

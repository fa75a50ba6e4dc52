// The console's heap policy (lib/web/heap-policy.ts) is applied at run time, after V8 started: this checks that V8
// honours it then, by reading the growing factor V8 reports for every heap limit it computes. (An earlier version
// compared committed heap sizes; those depend on how much CPU concurrent marking gets, and a busy CI runner inverted
// them. The memory effect itself is measured by bench:memory.)
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const CHILD = path.join(__dirname, "heap-growth-child.ts");

/** The factors V8 used for the old generation's limit, e.g. "1.7", in the order it computed them. */
function limitFactors(percent: number): string[] {
  const out = execFileSync(process.execPath, ["--import", "tsx", CHILD, String(percent)], { encoding: "utf8" });
  return [...out.matchAll(/\[HeapController\] Limit: .*\((\d+\.\d)\)/g)].map((m) => m[1]);
}

describe("applyHeapGrowingPercent", () => {
  it("makes V8 use the given factor for every heap limit it computes after start-up", () => {
    const bounded = limitFactors(70);
    expect(bounded.length).toBeGreaterThan(0);
    expect(new Set(bounded)).toEqual(new Set(["1.7"]));
  }, 60_000);

  it("leaves V8's own choice when the percent is 0 (the control: the reading above can tell the difference)", () => {
    const own = limitFactors(0);
    expect(own.length).toBeGreaterThan(0);
    expect(own.some((f) => f !== "1.7")).toBe(true);
  }, 60_000);
});

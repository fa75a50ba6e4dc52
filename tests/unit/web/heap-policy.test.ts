// The console's heap policy (lib/web/heap-policy.ts) is applied at run time, after V8 started: this checks that V8
// honours it then — the same workload's heap stays near its live set with the policy and grows well past it without.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const CHILD = path.join(__dirname, "heap-growth-child.ts");

function maxCommittedMb(percent: number): number {
  const out = execFileSync(process.execPath, ["--import", "tsx", CHILD, String(percent)], { encoding: "utf8" });
  return (JSON.parse(out.trim().split("\n").pop()!) as { maxCommittedMb: number }).maxCommittedMb;
}

describe("applyHeapGrowingPercent", () => {
  it("keeps the heap near its live set where V8's own choice lets it grow", () => {
    const own = maxCommittedMb(0);
    const bounded = maxCommittedMb(25);
    // measured: ~165 MB committed with V8's choice, ~70 MB at 25 % (the live set is ~45 MB)
    expect(bounded).toBeLessThan(own * 0.7);
  }, 60_000);
});

/**
 * How far the console's V8 heap may grow past its live data before a full collection (issue 17, ADR 0006).
 *
 * V8 picks the growing factor itself (up to 4×) and picks the high end when collections are cheap, which they are for
 * the console: measured during a large scan with two users on the dashboard, 80 MB live became 300–350 MB committed
 * between full collections — the largest share of the process's resident memory, beside the scan thread's capped heap.
 * A fixed factor keeps the console's heap near its live set at the cost of more frequent (incremental) full
 * collections. V8 flags are process-wide, so the scan thread runs under the same factor.
 */
import { setFlagsFromString } from "node:v8";

let applied: number | undefined;

/**
 * Applies `--heap-growing-percent` (0 leaves V8's own choice). V8 reads the flag whenever it recomputes the heap's
 * limit after a collection, so setting it at start-up takes effect from the next collection on. Returns the value in
 * force.
 */
export function applyHeapGrowingPercent(percent: number): number | undefined {
  if (percent > 0 && applied !== percent) {
    setFlagsFromString(`--heap-growing-percent=${percent}`);
    applied = percent;
  }
  return applied;
}

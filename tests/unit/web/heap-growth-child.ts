// Child process of heap-policy.test.ts: applies the policy at run time (as instrumentation.ts does), asks V8 to print
// each new heap limit with the growing factor it used, then allocates like the console under load — a live set and a
// stream of objects that are promoted and then die — so that V8 recomputes the limit several times.
import { setFlagsFromString } from "node:v8";
import { applyHeapGrowingPercent } from "../../../lib/web/heap-policy";

applyHeapGrowingPercent(Number(process.argv[2]));
setFlagsFromString("--trace-gc-verbose");
const live = Array.from({ length: 600_000 }, (_, i) => ({ a: i, b: `x${i}` }));
const ring: unknown[] = new Array(400);
for (let r = 0; r < 25_000; r++) ring[r % 400] = Array.from({ length: 500 }, (_, i) => ({ i }));
console.log(`live ${live.length}`);

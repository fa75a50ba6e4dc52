// Child process of heap-policy.test.ts: a live set, then a stream of objects that live long enough to be promoted and
// then die — the console's pattern under load. Prints the largest committed heap it saw, in MB.
import { getHeapStatistics } from "node:v8";
import { applyHeapGrowingPercent } from "../../../lib/web/heap-policy";

applyHeapGrowingPercent(Number(process.argv[2]));
const live = Array.from({ length: 600_000 }, (_, i) => ({ a: i, b: `x${i}` }));
const ring: unknown[] = new Array(400);
let maxCommitted = 0;
for (let r = 0; r < 25_000; r++) {
  ring[r % 400] = Array.from({ length: 500 }, (_, i) => ({ i }));
  if (r % 50 === 0) maxCommitted = Math.max(maxCommitted, getHeapStatistics().total_heap_size);
}
console.log(JSON.stringify({ maxCommittedMb: Math.round(maxCommitted / 1048576), live: live.length }));

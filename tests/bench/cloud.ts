// Throughput of the local Key Vault data plane: autocannon (keep-alive) against the secrets list endpoint with a valid
// token. The cloud runs in a child process (its own event loop/core), autocannon in this one.
//   npm run bench:cloud            (= tsx tests/bench/cloud.ts)
//   options: --duration 10 --connections 32 --bound 5000 --estate tiny [--throttle] [--log-capacity N]
import os from "node:os";
import autocannon from "autocannon";
import { arg, startCloudChild } from "./support";

const BOUND_DEFAULT = 5000;

async function main() {
  const duration = Number(arg("duration", "10"));
  const connections = Number(arg("connections", "32"));
  const bound = Number(arg("bound", String(BOUND_DEFAULT)));
  const estate = arg("estate", "tiny");
  const cliOptions: string[] = [];
  if (!process.argv.includes("--throttle")) cliOptions.push("--no-throttle");
  if (process.argv.includes("--log-capacity")) cliOptions.push("--log-capacity", arg("log-capacity", "2000"));
  const cloud = await startCloudChild(estate, cliOptions);
  const { control } = cloud;
  const vaults = (await (await fetch(`${control}/control/vaults`)).json()) as {
    name: string;
    access: string;
    firewall: string;
    vaultUri: string;
  }[];
  const v = vaults.find((x) => x.access === "full" && (x.firewall === "open" || x.firewall === "allowed"))!;
  const token = (
    (await (await fetch(`${control}/control/token?resource=https://vault.azure.net`)).json()) as {
      access_token: string;
    }
  ).access_token;
  const url = `${v.vaultUri}secrets?api-version=7.5&maxresults=25`;

  // sanity: one request must be a 200 with items
  const probe = await fetch(url, { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
  if (probe && probe.status !== 200) throw new Error(`probe got ${probe.status}`);

  const warm = await autocannon({ url, connections, duration: 2, headers: { authorization: `Bearer ${token}` } });
  void warm;
  await fetch(`${control}/control/reset-counters`, { method: "POST" });
  type Stats = { cpuUserMicros: number; cpuSystemMicros: number; rss: number };
  const s0 = (await (await fetch(`${control}/control/stats`)).json()) as Stats;
  const result = await autocannon({
    url,
    connections,
    duration,
    pipelining: 1,
    headers: { authorization: `Bearer ${token}` },
  });
  const s1 = (await (await fetch(`${control}/control/stats`)).json()) as Stats;
  const counters = (await (await fetch(`${control}/control/counters`)).json()) as { byOp: Record<string, number> };
  const served = counters.byOp["kv.secrets.list"] ?? 0;
  const cpuPerReq = served
    ? (s1.cpuUserMicros + s1.cpuSystemMicros - s0.cpuUserMicros - s0.cpuSystemMicros) / served
    : 0;
  cloud.stop();

  const rps = result.requests.average;
  const ok = result["2xx"];
  const non2xx = result.non2xx + result.errors + result.timeouts;
  console.log(
    `Key Vault data plane: GET ${url.replace(/^https:\/\/[^/]+/, "<vault>")} (${v.name}), ${connections} keep-alive connections, ${duration}s`,
  );
  console.log(
    `  requests/s  avg ${Math.round(rps)}  p50 ${result.requests.p50}  min ${result.requests.min}  (bound ≥ ${bound})`,
  );
  console.log(`  latency ms  avg ${result.latency.average}  p50 ${result.latency.p50}  p99 ${result.latency.p99}`);
  console.log(`  2xx ${ok}, non-2xx/errors/timeouts ${non2xx}; server counted kv.secrets.list = ${served}`);
  console.log(
    `  server CPU ${cpuPerReq.toFixed(0)} µs/request → one-core server capacity ≈ ${cpuPerReq ? Math.round(1e6 / cpuPerReq) : "?"} req/s; server RSS ${(s1.rss / 1e6).toFixed(0)} MB; load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}`,
  );
  const pass = rps >= bound && non2xx === 0;
  console.log(
    pass
      ? `PASS: ${Math.round(rps)} req/s ≥ ${bound}`
      : `FAIL: ${Math.round(rps)} req/s (bound ${bound}), errors ${non2xx}`,
  );
  process.exitCode = pass ? 0 : 1;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

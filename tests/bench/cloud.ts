// Throughput of the local Key Vault data plane: autocannon (keep-alive) against the secrets list endpoint with a valid
// token. The cloud runs in a child process (its own event loop/core), autocannon in this one.
//   npm run bench:cloud            (= tsx tests/bench/cloud.ts)
//   options: --duration 10 --connections 32 --bound 5000 --estate tiny [--throttle] [--log-capacity N]
import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import os from "node:os";
import autocannon from "autocannon";

const BOUND_DEFAULT = 5000;

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}

async function main() {
  const duration = Number(arg("duration", "10"));
  const connections = Number(arg("connections", "32"));
  const bound = Number(arg("bound", String(BOUND_DEFAULT)));
  const estate = arg("estate", "tiny");
  const root = path.resolve(__dirname, "..", "..");
  const cliArgs = [
    path.join(root, "node_modules", "tsx", "dist", "cli.mjs"),
    path.join(root, "tests", "cloud", "cli.ts"),
    "--estate",
    estate,
    "--json",
  ];
  if (!process.argv.includes("--throttle")) cliArgs.push("--no-throttle");
  if (process.argv.includes("--log-capacity")) cliArgs.push("--log-capacity", arg("log-capacity", "2000"));
  const child = spawn(process.execPath, cliArgs, { stdio: ["ignore", "pipe", "inherit"] });
  const stopChild = () => {
    if (child.exitCode === null) child.kill("SIGTERM");
  };
  process.on("exit", stopChild);
  const first = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once("line", resolve);
    child.once("exit", (c) => reject(new Error(`cloud exited early (${c})`)));
  });
  const info = JSON.parse(first) as {
    endpoints: { vaults: Record<string, string>; control: string };
    env: Record<string, string>;
  };
  const control = info.endpoints.control;
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
  stopChild();

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

// CSV export benchmark: 100k assets in a fresh PostgreSQL database (the bench:ui estate), the production build, a
// Viewer's session, and GET /api/inventory/export?removed=true (every row) downloaded while the server's RSS is sampled.
//   npm run bench:export                   (= tsx tests/bench/export.ts)
//   options: --assets 100000 --port 3323 --runs 3 --budget 5000 (ms per export) --memory 64 (MB of RSS growth) [--keep]
//   DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) is the admin URL: a new database is created and dropped.
import os from "node:os";
import { ensureBuild, startApp, type AppServer } from "../support/app-server";
import { createBenchEstate } from "./bench-estate";
import { processCpuMs, rssMb } from "./proc";
import { BENCH_ESTATE } from "./seed-estate";
import { arg } from "./support";

const ASSETS = Number(arg("assets", "100000"));
const PORT = Number(arg("port", "3323"));
const RUNS = Number(arg("runs", "3"));
const BUDGET_MS = Number(arg("budget", "5000"));
const MEMORY_MB = Number(arg("memory", "64"));

interface Run {
  rows: number;
  mb: number;
  firstByteMs: number;
  totalMs: number;
  /** The server's CPU time for the export: what the machine's load does not change much. */
  cpuMs: number;
  rssBefore: number;
  rssPeak: number;
}

/** One download, read as a stream (as a browser saves it), with the server's RSS sampled every 20 ms. */
async function exportOnce(url: string, cookie: string, pid: number): Promise<Run> {
  const rssBefore = rssMb(pid);
  let rssPeak = rssBefore;
  const cpuBefore = processCpuMs(pid);
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(pid))), 20);
  const t0 = performance.now();
  try {
    const res = await fetch(url, { headers: { cookie } });
    if (res.status !== 200 || !res.headers.get("content-type")?.startsWith("text/csv"))
      throw new Error(`export: HTTP ${res.status} ${res.headers.get("content-type")}`);
    const reader = res.body!.getReader();
    let firstByteMs = 0;
    let bytes = 0;
    let lines = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!firstByteMs) firstByteMs = performance.now() - t0;
      bytes += value.byteLength;
      for (const b of value) if (b === 10) lines++;
    }
    const totalMs = performance.now() - t0;
    const cpuMs = processCpuMs(pid) - cpuBefore;
    return { rows: lines - 1, mb: bytes / 1e6, firstByteMs, totalMs, cpuMs, rssBefore, rssPeak };
  } finally {
    clearInterval(sampler);
  }
}

async function main() {
  const appUrl = `http://localhost:${PORT}`;
  const estate = await createBenchEstate("export", { ...BENCH_ESTATE, assets: ASSETS }, appUrl);
  console.log(`seeded ${estate.assets.toLocaleString("en-US")} assets in ${estate.seedSeconds.toFixed(1)} s`);
  let app: AppServer | undefined;
  try {
    ensureBuild();
    app = await startApp(estate.env, { port: PORT, quiet: true });
    const pid = app.process.pid!;
    // Warm-up: the route, the query plan and the CSV code paths, on a small slice.
    await exportOnce(`${appUrl}/api/inventory/export?type=key`, estate.cookie, pid);
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await exportOnce(`${appUrl}/api/inventory/export?removed=true`, estate.cookie, pid);
      runs.push(r);
      const pass = r.totalMs < BUDGET_MS && r.rssPeak - r.rssBefore < MEMORY_MB && r.rows === estate.assets;
      console.log(
        `${pass ? "PASS" : "FAIL"}  run ${i + 1}: ${r.rows.toLocaleString("en-US")} rows, ${r.mb.toFixed(1)} MB in ${(r.totalMs / 1000).toFixed(2)} s ` +
          `(first byte ${r.firstByteMs.toFixed(0)} ms, server CPU ${(r.cpuMs / 1000).toFixed(2)} s); server RSS ${r.rssBefore.toFixed(0)} → peak ${r.rssPeak.toFixed(0)} MB (+${(r.rssPeak - r.rssBefore).toFixed(0)} MB)`,
      );
    }
    const ok = runs.every(
      (r) => r.totalMs < BUDGET_MS && r.rssPeak - r.rssBefore < MEMORY_MB && r.rows === estate.assets,
    );
    const load = os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(", ");
    console.log(`load average at the end: ${load} on ${os.cpus().length} CPUs`);
    console.log(
      `\n${ok ? "PASS" : "FAIL"}: every export of ${estate.assets.toLocaleString("en-US")} rows < ${BUDGET_MS / 1000} s, server RSS growth < ${MEMORY_MB} MB (${RUNS} runs)`,
    );
    process.exitCode = ok ? 0 : 1;
  } finally {
    await app?.stop();
    if (process.argv.includes("--keep")) console.log(`kept database ${estate.databaseUrl}`);
    else await estate.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

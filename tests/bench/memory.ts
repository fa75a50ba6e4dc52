// Memory benchmark of the single-container mode (issue 17): the production server with the in-process scheduler on
// PostgreSQL runs full scans of the large estate (local cloud in a child process) one after another, while two
// simulated users load the dashboard (`/`) back to back.
//   npm run bench:memory      options: --estate large --latency 25 --scans 3 --port 3334 --users 2 --settle 15
//   DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) is the admin URL: a new database is created and dropped.
// Samples the server process's RSS (/proc: every thread, the scan thread included) every 250 ms. Bounds: peak RSS
// < 600 MB; no growth from the 2nd to the 3rd scan (RSS settled after each scan, < 5 %); p95 of `/` during each scan
// < 500 ms. Prints the figures and PASS/FAIL, and the machine's load average (the bench shares the machine).
// A scan counts until its compliance evaluation (which follows it in the scan thread) has written its snapshot.
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureBuild, startApp, type AppServer } from "../support/app-server";
import { arg, benchAppEnv, createBenchDatabase, percentile, prepareBenchDatabase, startCloudChild } from "./support";

const ESTATE = arg("estate", "large");
const LATENCY = Number(arg("latency", "25"));
const SCANS = Number(arg("scans", "3"));
const PORT = Number(arg("port", "3334"));
const USERS = Number(arg("users", "2"));
const SETTLE_S = Number(arg("settle", "15"));
/** A folder for a heap snapshot of the server after each scan has settled (diagnosis only; adds a pause and memory). */
const SNAPSHOTS = arg("heap-snapshots", "");
const PEAK_MB = 600;
const GROWTH = 0.05;
const P95_MS = 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(", ");

/** Resident memory of the whole process (all threads), MB. */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

interface ScanFigures {
  scan: number;
  seconds: number;
  /** from the scan's end to its compliance snapshot (NaN: none within 300 s) */
  evalSeconds: number;
  objects: number;
  status: string;
  threaded: boolean;
  peakMb: number;
  settledMb: number;
  requests: number;
  p50: number;
  p95: number;
  failures: number;
}

/** USERS loops loading `/` one request after another until `stop` resolves; the latencies of the 200s. */
async function loadConsole(url: string, cookie: string, stop: Promise<void>) {
  const latencies: number[] = [];
  let failures = 0;
  let done = false;
  void stop.then(() => (done = true));
  const user = async () => {
    while (!done) {
      const t = performance.now();
      try {
        const r = await fetch(`${url}/`, { headers: { cookie }, redirect: "manual" });
        await r.arrayBuffer();
        if (r.status === 200) latencies.push(performance.now() - t);
        else failures++;
      } catch {
        failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: USERS }, user));
  return { latencies: latencies.sort((a, b) => a - b), failures };
}

async function main() {
  console.log(`load average at the start: ${load()} on ${os.cpus().length} CPUs`);
  const cloud = await startCloudChild(ESTATE, ["--latency", `${LATENCY},0`, "--no-throttle", "--log-capacity", "0"]);
  const adminUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const database = await createBenchDatabase(adminUrl, "cc_bench_mem");
  const appUrl = `http://localhost:${PORT}`;
  const env: Record<string, string> = {
    ...cloud.env,
    ...benchAppEnv(appUrl, database.url),
    SCHEDULER_IN_PROCESS: "true",
    SESSION_IDLE_TIMEOUT_MINUTES: "240",
    // as the image sets it (Dockerfile): few malloc arenas, so what a finished scan thread freed is reused
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2",
  };
  const admin = {
    actor: { type: "system" as const, job: "bench-memory" },
    request: { requestId: "bench-memory" },
  };
  let app: AppServer | undefined;
  try {
    const cookie = await prepareBenchDatabase(env, "CertifyClouds.Admin", async () => {
      const { updateSetting } = await import("../../lib/settings/store");
      // the bench requests its scans itself, at bench:scan's concurrency
      const schedule = { enabled: false, cron: "0 */6 * * *", timezone: "UTC", mode: "full" };
      await updateSetting({ ctx: admin, input: { key: "scan.schedule", value: schedule } });
      await updateSetting({ ctx: admin, input: { key: "discovery.concurrency", value: { global: 32, perVault: 4 } } });
    });
    ensureBuild();
    const nodeArgs = SNAPSHOTS ? ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${path.resolve(SNAPSHOTS)}`] : [];
    app = await startApp(env, { port: PORT, quiet: true, nodeArgs });
    const pid = app.process.pid!;
    for (let i = 0; i < 5; i++) await (await fetch(`${appUrl}/`, { headers: { cookie } })).arrayBuffer();
    await sleep(3000);
    const idleMb = rssMb(pid);
    console.log(
      `console up (pid ${pid}), local cloud '${ESTATE}' (${cloud.estate.vaults} vaults, latency ${LATENCY} ms); RSS idle ${idleMb.toFixed(0)} MB`,
    );

    const { requestScan } = await import("../../lib/discovery");
    const { getDb, closeDb } = await import("../../lib/db/client");
    const { complianceSnapshots, scanRuns } = await import("../../lib/db/schema");
    const { eq } = await import("drizzle-orm");
    const db = await getDb();
    const figures: ScanFigures[] = [];
    for (let n = 1; n <= SCANS; n++) {
      const t0 = Date.now();
      const { scanId } = await requestScan({ ctx: admin, input: { mode: "full" } });
      let peak = rssMb(pid);
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 250);
      let finished!: () => void;
      const scanOver = new Promise<void>((r) => (finished = r));
      const loadRun = loadConsole(appUrl, cookie, scanOver);
      let threaded = false;
      let row;
      for (;;) {
        await sleep(1000);
        [row] = await db.select().from(scanRuns).where(eq(scanRuns.id, scanId));
        threaded ||= /:scan-thread:/.test(row.leaseOwner ?? "");
        if (!["queued", "running"].includes(row.status)) break;
      }
      // the scan thread goes on to evaluate compliance (the first evaluation writes every finding): the scan's memory
      // story ends when that snapshot exists, so the console load and the sampling run until then
      const scanDone = Date.now();
      let evaluated = false;
      while (!evaluated && Date.now() - scanDone < 300_000) {
        evaluated =
          (
            await db
              .select({ id: complianceSnapshots.id })
              .from(complianceSnapshots)
              .where(eq(complianceSnapshots.scanId, scanId))
          ).length > 0;
        if (!evaluated) await sleep(500);
      }
      const evalSeconds = (Date.now() - scanDone) / 1000;
      finished();
      const { latencies, failures } = await loadRun;
      const seconds = (Date.now() - t0) / 1000;
      await sleep(SETTLE_S * 1000);
      clearInterval(sampler);
      const f: ScanFigures = {
        scan: n,
        seconds,
        evalSeconds: evaluated ? evalSeconds : NaN,
        objects: row.objectsSeen ?? 0,
        status: row.status,
        threaded,
        peakMb: peak,
        settledMb: rssMb(pid),
        requests: latencies.length,
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        failures,
      };
      figures.push(f);
      if (SNAPSHOTS) {
        process.kill(pid, "SIGUSR2");
        await sleep(20_000);
      }
      console.log(
        `scan ${n}: ${f.status} in ${seconds.toFixed(0)} s (compliance evaluated ${Number.isNaN(f.evalSeconds) ? "— not within 300 s" : `${f.evalSeconds.toFixed(0)} s after the scan`}), ${f.objects.toLocaleString("en-US")} objects, scan thread ${threaded ? "yes" : "NO"}; RSS peak ${f.peakMb.toFixed(0)} MB, ${SETTLE_S} s after ${f.settledMb.toFixed(0)} MB; / during the scan: ${f.requests} requests, p50 ${f.p50.toFixed(0)} ms, p95 ${f.p95.toFixed(0)} ms, failures ${failures}; load ${load()}`,
      );
    }
    await closeDb();

    const peakAll = Math.max(...figures.map((f) => f.peakMb));
    const [second, third] = [figures[1], figures[2]];
    const growth = second && third ? third.settledMb / second.settledMb - 1 : NaN;
    const peakGrowth = second && third ? third.peakMb / second.peakMb - 1 : NaN;
    const worstP95 = Math.max(...figures.map((f) => f.p95));
    const checks = [
      [`peak RSS ${peakAll.toFixed(0)} MB < ${PEAK_MB} MB`, peakAll < PEAK_MB],
      [
        `growth 2nd → 3rd scan ${(growth * 100).toFixed(1)} % (settled RSS; peaks ${(peakGrowth * 100).toFixed(1)} %) < ${GROWTH * 100} %`,
        growth < GROWTH,
      ],
      [`p95 of / during the scans ${worstP95.toFixed(0)} ms < ${P95_MS} ms`, worstP95 < P95_MS],
      [
        `every scan finished in the scan thread, and its compliance evaluation`,
        figures.every((f) => f.threaded && f.status.startsWith("completed") && !Number.isNaN(f.evalSeconds)),
      ],
    ] as const;
    console.log("\n| scan | s | objects | RSS peak MB | RSS after MB | / requests | p50 ms | p95 ms |");
    console.log("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const f of figures)
      console.log(
        `| ${f.scan} | ${f.seconds.toFixed(0)} | ${f.objects} | ${f.peakMb.toFixed(0)} | ${f.settledMb.toFixed(0)} | ${f.requests} | ${f.p50.toFixed(0)} | ${f.p95.toFixed(0)} |`,
      );
    console.log(`RSS idle before the first scan: ${idleMb.toFixed(0)} MB; load average at the end: ${load()}`);
    for (const [what, ok] of checks) console.log(`${ok ? "PASS" : "FAIL"}  ${what}`);
    process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
  } finally {
    await app?.stop();
    cloud.stop();
    await database.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

// Scan resume benchmark: how long a scan stays without a worker when its scheduler dies, and how long it then takes
// to finish. The scenario: the standalone scheduler on PostgreSQL, a first scan of a fresh install of the
// `large` estate (1,000 vaults, 25 ms latency), the scheduler SIGKILLed after 217 vaults, a new one started at once.
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:resume
//   options: --estate large|demo --latency 25 --kill-after 217 (vaults done) --lease-ms 30000
// Prints: kill → scan taken over (running again) and kill → completed, and checks the run is one run (attempt 2,
// every vault done once, objects counted once against the inventory). The database is created and dropped here.
import { randomBytes } from "node:crypto";
import { and, count, eq, isNotNull, isNull } from "drizzle-orm";
import type { EstateName } from "../cloud/estate";
import { ensureCa, startCloud } from "../cloud";
import { childEnv, spawnScheduler, type SchedulerChild } from "../integration/scheduler/spawn";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] && !process.argv[i + 1].startsWith("--") ? process.argv[i + 1] : dflt;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const s = (ms: number) => (ms / 1000).toFixed(1);

async function main() {
  const estate = arg("estate", "large") as EstateName;
  const latency = Number(arg("latency", "25"));
  const killAfter = Number(arg("kill-after", "217"));
  const leaseMs = arg("lease-ms", "30000");
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error("set DATABASE_URL (PostgreSQL): the scheduler and this script are separate processes");

  const pg = (await import("pg")).default;
  const dbName = `cc_bench_resume_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;

  const cloud = await startCloud({
    estate,
    throttling: false,
    latency: { fixedMs: latency, jitterMs: 0 },
    logCapacity: 0,
  });
  Object.assign(process.env, cloud.env, {
    DATABASE_URL: url.toString(),
    APP_ENV: "test",
    SECRET_KEY: "bench-secret-key-0123456789abcdef0123456789abcdef",
    LOG_LEVEL: "warn",
  });
  const { resetConfigForTests } = await import("../../lib/config");
  resetConfigForTests();
  const { getDb, closeDb } = await import("../../lib/db/client");
  const { assets, scanRuns, scanVaults } = await import("../../lib/db/schema");
  const { requestScan } = await import("../../lib/discovery");
  const { updateSetting } = await import("../../lib/settings/store");
  const db = await getDb();
  const ctx = {
    actor: { type: "user" as const, userId: "bench", oid: "bench", upn: "bench@local", name: "bench" },
    request: { requestId: "bench" },
  };
  const adminCtx = { ...ctx, actor: { ...ctx.actor, roles: ["CertifyClouds.Admin" as const] } };
  await updateSetting({
    ctx: adminCtx,
    input: { key: "scan.schedule", value: { enabled: false, cron: "0 */6 * * *", timezone: "UTC", mode: "delta" } },
  });
  const { scanId } = await requestScan({ ctx: adminCtx, input: { mode: "full" } });
  const env = childEnv({ DATABASE_URL: url.toString(), LOG_LEVEL: "warn", SCAN_LEASE_MS: leaseMs });
  env.NODE_EXTRA_CA_CERTS = ensureCa().bundlePath;
  const row = async () => (await db.select().from(scanRuns).where(eq(scanRuns.id, scanId)))[0];
  const done = async () =>
    Number(
      (
        await db
          .select({ n: count() })
          .from(scanVaults)
          .where(and(eq(scanVaults.scanId, scanId), isNotNull(scanVaults.doneAt)))
      )[0].n,
    );

  const children: SchedulerChild[] = [];
  try {
    const t0 = Date.now();
    const first = await spawnScheduler(env, ["--max-old-space-size=200"]);
    children.push(first);
    console.log(`${estate} estate, ${latency} ms latency, lease ${leaseMs} ms; scan ${scanId} requested`);
    while ((await done()) < killAfter) await sleep(100);
    await first.stop("SIGKILL");
    const killedAt = Date.now();
    const atKill = await row();
    console.log(`SIGKILL after ${s(killedAt - t0)} s with ${await done()} of ${atKill.vaultsTotal} vaults done`);
    const second = await spawnScheduler(env, ["--max-old-space-size=200"]);
    children.push(second);
    let resumedAt = 0;
    for (;;) {
      const r = await row();
      if (!resumedAt && r.attempt >= 2) {
        resumedAt = Date.now();
        console.log(`kill → taken over by the new scheduler (running again): ${s(resumedAt - killedAt)} s`);
      }
      if (r.status !== "running" && r.status !== "queued") break;
      await sleep(200);
    }
    const end = await row();
    const completedAt = end.finishedAt!.getTime();
    const [{ n: live }] = await db.select({ n: count() }).from(assets).where(isNull(assets.removedAt));
    console.log(`kill → ${end.status}: ${s(completedAt - killedAt)} s (scan wall time ${s(completedAt - t0)} s)`);
    const checks: [string, boolean][] = [
      ["one run, resumed once (attempt 2)", end.attempt === 2],
      [`every vault done once (${end.vaultsDone} of ${end.vaultsTotal})`, end.vaultsDone === end.vaultsTotal],
      [`objects counted once (${end.objectsSeen} = ${live} live assets)`, end.objectsSeen === Number(live)],
      ["completed", end.status === "completed" || end.status === "completed_with_errors"],
    ];
    for (const [what, ok] of checks) console.log(`${ok ? "PASS" : "FAIL"}  ${what}`);
    if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
  } finally {
    for (const c of children) await c.stop("SIGTERM");
    await closeDb();
    await cloud.stop();
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`drop database if exists ${dbName} with (force)`);
    await c.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

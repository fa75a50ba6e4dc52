// A scan survives its worker. The standalone scheduler (a real child process) is SIGKILLed during the subscription
// listing, in the middle of the vaults and during Graph; the next scheduler takes the scan over once its lease has
// expired and finishes it as the same run: every vault not done before the kill is read exactly once after it (and
// the ones done before, not again), objects are counted once, nothing is lost. Two schedulers started together after
// the kill (PostgreSQL) never both scan. A scan interrupted too often fails with that reason.
import { and, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDb, type Db } from "@/lib/db/client";
import { assets, auditLog, scanRuns, scanVaults } from "@/lib/db/schema";
import { requestScan } from "@/lib/discovery";
import { updateSetting } from "@/lib/settings/store";
import { startCloud, type LocalCloud } from "../../cloud";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { userCtx } from "../discovery/helpers";
import { sleep, waitFor } from "./helpers";
import { childEnv, killGroup, spawnScheduler, type LogLine, type SchedulerChild } from "./spawn";

const LEASE_MS = 3_000;
const HEARTBEAT_MS = 300;
/**
 * A takeover comes within one scan-worker tick (2 s) of the lease lapsing, or of the scheduler being up; the first tick
 * of a fresh process also loads the discovery modules (tsx), which takes seconds on a loaded machine.
 */
const TAKEOVER_SLACK_MS = 8_000;
/** How long the tests wait for a takeover: the lease, a scheduler's start-up (tsx, migrations) and a tick. */
const RESUME_WITHIN_MS = LEASE_MS + 30_000;
const VAULTS = 10;

let t: TestDb;
let cloud: LocalCloud;
const children: SchedulerChild[] = [];

beforeAll(async () => {
  t = await setupTestDb();
  // 40 ms per request, two vaults at a time, one call per vault: a scan of several seconds, so a kill lands inside it
  cloud = await startCloud({
    estate: { base: "tiny", vaults: VAULTS },
    throttling: false,
    latency: { fixedMs: 40, jitterMs: 0 },
  });
  Object.assign(process.env, cloud.env);
  resetConfigForTests();
  const admin = userCtx("CertifyClouds.Admin");
  await updateSetting({
    ctx: admin,
    input: { key: "discovery.concurrency", value: { global: 2, perVault: 1, adaptive: false } },
  });
  // the tests request their scans themselves
  await updateSetting({
    ctx: admin,
    input: { key: "scan.schedule", value: { enabled: false, cron: "0 */6 * * *", timezone: "UTC", mode: "delta" } },
  });
  if (t.kind === "pglite") await closeDb();
}, 60_000);

// A failed test must not leave a scheduler holding the database (PGlite) or a scan running for the next one.
afterEach(async () => {
  for (const c of children.splice(0)) {
    killGroup(c);
    await c.exited;
  }
  await inDb((db) =>
    db
      .update(scanRuns)
      .set({ status: "cancelled" })
      .where(inArray(scanRuns.status, ["queued", "running"])),
  );
});

afterAll(async () => {
  for (const c of children) killGroup(c);
  await sleep(200);
  await cloud?.stop();
  await t?.cleanup();
});

/** The database in this process — on PGlite only while no scheduler child owns the folder. */
async function inDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  try {
    return await fn(await getDb());
  } finally {
    if (t.kind === "pglite") await closeDb();
  }
}

function start(extra: Record<string, string> = {}): Promise<SchedulerChild> {
  const env = childEnv({
    ...cloud.env,
    SCAN_LEASE_MS: String(LEASE_MS),
    SCAN_HEARTBEAT_MS: String(HEARTBEAT_MS),
    ...extra,
  });
  return spawnScheduler(env).then((c) => (children.push(c), c));
}

const lists = (vault: string) => cloud.control.count("kv.secrets.list", vault);
const vaultNames = () => cloud.control.vaults().map((v) => v.name);
const listsNow = () => Object.fromEntries(vaultNames().map((v) => [v, lists(v)]));

/** SIGKILL once `reached` holds; returns the time and each vault's list count once nothing more is on the wire. */
async function killWhen(child: SchedulerChild, reached: () => boolean) {
  await waitFor(reached, 60_000, 10);
  await child.stop("SIGKILL");
  const killedAt = Date.now();
  await sleep(300);
  return { killedAt, listsAtKill: listsNow() };
}

async function requestForcedScan(): Promise<string> {
  return inDb(
    async () => (await requestScan({ ctx: userCtx("CertifyClouds.Operator"), input: { mode: "forced" } })).scanId,
  );
}

async function doneVaults(scanId: string): Promise<Set<string>> {
  return inDb(async (db) => {
    const rows = await db
      .select({ target: scanVaults.target })
      .from(scanVaults)
      .where(and(eq(scanVaults.scanId, scanId), isNotNull(scanVaults.doneAt)));
    return new Set(rows.map((r) => r.target.name as string));
  });
}

const tookOver = (scanId: string) => (l: LogLine) =>
  l.msg === "scan taken over after an interruption" && l.scanId === scanId;
const finished = (scanId: string) => (l: LogLine) => l.msg === "scan finished" && l.scanId === scanId;

const at = (l: LogLine) => Date.parse(String(l.time));

/**
 * Starts `n` schedulers at once and waits until one of them has taken the scan over and finished it. The takeover
 * must come after the lease lapsed (its last renewal came about a heartbeat before the kill) and within one worker
 * tick of it, or of the scheduler being up if it started later than that.
 */
async function resume(scanId: string, killedAt: number, n = 1) {
  const next = await Promise.all(Array.from({ length: n }, () => start()));
  const winner = await Promise.any(next.map((c) => c.waitForLog(tookOver(scanId), 60_000).then(() => c)));
  const took = at(winner.lines.find(tookOver(scanId))!);
  const ready = at(winner.lines.find((l) => l.msg === "scheduler running")!);
  expect(took).toBeGreaterThanOrEqual(killedAt + LEASE_MS - 2 * HEARTBEAT_MS);
  expect(took - Math.max(killedAt + LEASE_MS, ready)).toBeLessThan(TAKEOVER_SLACK_MS);
  const done = at(await winner.waitForLog(finished(scanId), 60_000));
  await sleep(2 * HEARTBEAT_MS); // a loser would have claimed by now
  for (const c of next) expect(await c.stop("SIGTERM"), c.stderr()).toEqual({ code: 0, signal: null });
  const takeovers = next.flatMap((c) => c.lines.filter(tookOver(scanId)));
  return { resumedAfterMs: took - killedAt, completedAfterMs: done - killedAt, takeovers };
}

/** Expected live objects per vault: what the cloud lists in every vault the scanner may list. */
function expectedObjects(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of cloud.control.vaults().filter((x) => x.reachable && x.access !== "none"))
    out[v.name] = [
      ...cloud.control.objects(v.name, "secrets").map((n) => `secret/${n}`),
      ...cloud.control.objects(v.name, "certificates").map((n) => `certificate/${n}`),
      ...cloud.control.objects(v.name, "keys").map((n) => `key/${n}`),
    ].sort();
  return out;
}

/** One run from start to end: every vault done once, objects counted once and all there, one resumption audited. */
async function expectOneRun(scanId: string, listsAtKill: Record<string, number>, doneAtKill: Set<string>) {
  for (const v of vaultNames())
    expect(lists(v) - listsAtKill[v], `${v} read after the kill`).toBe(doneAtKill.has(v) ? 0 : 1);
  await inDb(async (db) => {
    const [run] = await db.select().from(scanRuns).where(eq(scanRuns.id, scanId));
    expect(["completed", "completed_with_errors"]).toContain(run.status);
    expect(run).toMatchObject({ attempt: 2, vaultsTotal: VAULTS, vaultsDone: VAULTS, leaseExpiresAt: null });
    const live = await db
      .select({ vault: assets.vaultId, type: assets.type, name: assets.name })
      .from(assets)
      .where(isNull(assets.removedAt));
    const expected = expectedObjects();
    expect(run.objectsSeen).toBe(Object.values(expected).flat().length);
    expect(live.length).toBe(run.objectsSeen);
    for (const [vault, names] of Object.entries(expected)) {
      const id = cloud.control.vault(vault).id.toLowerCase();
      const stored = live.filter((a) => a.vault === id).map((a) => `${a.type}/${a.name}`);
      expect(stored.sort(), vault).toEqual(names);
    }
    expect(await db.select().from(scanVaults).where(eq(scanVaults.scanId, scanId))).toEqual([]);
    const audits = await db.select().from(auditLog).where(eq(auditLog.targetId, scanId));
    const count = (a: string) => audits.filter((x) => x.action === a).length;
    expect([count("discovery.scan.started"), count("discovery.scan.resumed")]).toEqual([1, 1]);
    expect(count("discovery.scan.completed")).toBe(1);
    expect(audits.find((a) => a.action === "discovery.scan.resumed")?.details).toMatchObject({ attempt: 2 });
  });
}

describe("a scan survives its worker (standalone scheduler, SIGKILL)", () => {
  it("killed while listing subscriptions: the next scheduler lists them and scans every vault once", async () => {
    const scanId = await requestForcedScan();
    const before = cloud.control.count("arm.subscriptions.list");
    cloud.control.addFault({ service: "arm", op: "arm.subscriptions.list", kind: "latency", delayMs: 5_000, times: 1 });
    const first = await start();
    const kill = await killWhen(first, () => cloud.control.count("arm.subscriptions.list") > before);
    const doneAtKill = await doneVaults(scanId);
    expect(doneAtKill.size).toBe(0);
    const r = await resume(scanId, kill.killedAt);
    console.log(`subscriptions: resumed ${r.resumedAfterMs} ms, completed ${r.completedAfterMs} ms after the kill`);
    expect(cloud.control.count("arm.subscriptions.list")).toBe(before + 2);
    await expectOneRun(scanId, kill.listsAtKill, doneAtKill);
  }, 120_000);

  it("killed in the middle of the vaults: the next scheduler reads only the vaults not yet done", async () => {
    const scanId = await requestForcedScan();
    const start0 = listsNow();
    const subs = cloud.control.count("arm.subscriptions.list");
    const first = await start();
    const kill = await killWhen(first, () => vaultNames().filter((v) => lists(v) > start0[v]).length >= 5);
    const doneAtKill = await doneVaults(scanId);
    expect(doneAtKill.size).toBeGreaterThanOrEqual(1);
    expect(doneAtKill.size).toBeLessThan(VAULTS);
    const r = await resume(scanId, kill.killedAt);
    console.log(`mid-vaults: resumed ${r.resumedAfterMs} ms, completed ${r.completedAfterMs} ms after the kill`);
    // the targets were recorded: not listed again
    expect(cloud.control.count("arm.subscriptions.list")).toBe(subs + 1);
    await expectOneRun(scanId, kill.listsAtKill, doneAtKill);
  }, 120_000);

  it("killed during Graph: no vault is read again, Graph runs once more", async () => {
    const scanId = await requestForcedScan();
    const apps = cloud.control.count("graph.applications.list");
    cloud.control.addFault({
      service: "graph",
      op: "graph.applications.list",
      kind: "latency",
      delayMs: 5_000,
      times: 1,
    });
    const first = await start();
    const kill = await killWhen(first, () => cloud.control.count("graph.applications.list") > apps);
    const doneAtKill = await doneVaults(scanId);
    expect(doneAtKill.size).toBe(VAULTS);
    const r = await resume(scanId, kill.killedAt);
    console.log(`graph: resumed ${r.resumedAfterMs} ms, completed ${r.completedAfterMs} ms after the kill`);
    expect(cloud.control.count("graph.applications.list")).toBe(apps + 2);
    await expectOneRun(scanId, kill.listsAtKill, doneAtKill);
    const [run] = await inDb((db) => db.select().from(scanRuns).where(eq(scanRuns.id, scanId)));
    expect(run.appsSeen).toBe(2 * cloud.control.estate().apps);
  }, 120_000);

  it("two schedulers started together after the kill: one takes the scan over, no vault is scanned twice", async () => {
    if (t.kind === "pglite") return; // PGlite is one process: replicas need PostgreSQL
    const scanId = await requestForcedScan();
    const start0 = listsNow();
    const first = await start();
    const kill = await killWhen(first, () => vaultNames().filter((v) => lists(v) > start0[v]).length >= 4);
    const doneAtKill = await doneVaults(scanId);
    const r = await resume(scanId, kill.killedAt, 2);
    expect(r.takeovers).toHaveLength(1);
    await expectOneRun(scanId, kill.listsAtKill, doneAtKill);
  }, 120_000);

  it("a scan interrupted more than SCAN_MAX_INTERRUPTIONS times fails with that reason", async () => {
    const scanId = await requestForcedScan();
    const limit = { SCAN_MAX_INTERRUPTIONS: "1" };
    const read = () => vaultNames().filter((v) => lists(v) > start0[v]).length;
    const start0 = listsNow();
    const first = await start(limit);
    await killWhen(first, () => read() >= 3);
    const second = await start(limit);
    await second.waitForLog(tookOver(scanId), RESUME_WITHIN_MS);
    const readBefore = read();
    await killWhen(second, () => read() >= Math.min(VAULTS, readBefore + 2));
    const third = await start(limit);
    await third.waitForLog(
      (l) => l.msg === "scan failed: interrupted too often" && l.scanId === scanId,
      RESUME_WITHIN_MS,
    );
    expect(third.lines.filter(tookOver(scanId))).toEqual([]);
    expect(await third.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    await inDb(async (db) => {
      const [run] = await db.select().from(scanRuns).where(eq(scanRuns.id, scanId));
      expect(run).toMatchObject({
        status: "failed",
        attempt: 2,
        error: "interrupted 2 times (worker stopped); not resumed again (limit 1)",
      });
      expect(run.vaultsDone).toBeGreaterThanOrEqual(1);
      const [failed] = await db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.targetId, scanId), eq(auditLog.action, "discovery.scan.failed")));
      expect(failed.details).toMatchObject({ interruptions: 2, vaultsDone: run.vaultsDone, error: run.error });
      expect(await db.select().from(scanVaults).where(eq(scanVaults.scanId, scanId))).toEqual([]);
    });
    // nothing is left running: the next scan can be requested
    expect(await requestForcedScan()).toEqual(expect.any(String));
  }, 150_000);
});

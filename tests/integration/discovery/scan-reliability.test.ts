// Faults, aborts and crashes: the scan overcomes transient failures without losing objects, records what it could not
// overcome, and a stopped scan leaves the previous inventory intact and is resumed — the vaults not yet done, once each.
import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getDb } from "@/lib/db/client";
import { appCredentials, assets, auditLog, scanErrors, scanRuns, scanVaults, vaults } from "@/lib/db/schema";
import { cancelScan, claimNextQueuedScan, executeScan, requestScan, scanProgress } from "@/lib/discovery";
import { updateSetting } from "@/lib/settings/store";
import type { FaultRule } from "../../cloud";
import { TEST_RETRY, runScan, setupDiscovery, userCtx, workerCtx, type Env } from "./helpers";

let env: Env;
beforeAll(async () => {
  env = await setupDiscovery({
    estate: { base: "tiny", vaults: 10, secretsPerVault: 40, certificatesPerVault: 4, keysPerVault: 4, apps: 12 },
    pageSizes: { arm: 3, rg: 3, graph: 4 },
  });
});
afterAll(async () => {
  await env?.stop();
});

/** vault name → sorted "type/name" of live assets, plus live app credential ids */
async function inventory() {
  const db = await getDb();
  const rows = await db
    .select({ vault: vaults.name, type: assets.type, name: assets.name, removedAt: assets.removedAt })
    .from(assets)
    .innerJoin(vaults, eq(vaults.id, assets.vaultId));
  const live: Record<string, string[]> = {};
  for (const r of rows) if (!r.removedAt) (live[r.vault] ??= []).push(`${r.type}/${r.name}`);
  for (const k of Object.keys(live)) live[k].sort();
  const creds = (await db.select().from(appCredentials).where(isNull(appCredentials.removedAt)))
    .map((c) => `${c.appObjectId}/${c.keyId}`)
    .sort();
  const vs = (await db.select().from(vaults).where(isNull(vaults.removedAt)))
    .map((v) => `${v.name}:${v.accessStatus}`)
    .sort();
  return { live, creds, vs, removed: rows.filter((r) => r.removedAt).length };
}

let baseline: Awaited<ReturnType<typeof inventory>>;

/** Names of the vaults a scan has recorded as done. */
async function doneVaultNames(scanId: string): Promise<Set<string>> {
  const db = await getDb();
  const rows = await db
    .select({ target: scanVaults.target })
    .from(scanVaults)
    .where(and(eq(scanVaults.scanId, scanId), isNotNull(scanVaults.doneAt)));
  return new Set(rows.map((r) => r.target.name as string));
}

describe("reliability", () => {
  test("fault-free baseline", async () => {
    const run = await runScan({ mode: "full" });
    expect(["completed", "completed_with_errors"]).toContain(run.status);
    baseline = await inventory();
    expect(Object.values(baseline.live).flat().length).toBeGreaterThan(250);
    // every readable vault's lists are complete across pages (40 secrets + 4 managed = 2 pages of ≤ 25)
    const { cloud } = env;
    let checked = 0;
    for (const v of cloud.control.vaults().filter((x) => x.reachable && x.access !== "none")) {
      const expected = [
        ...cloud.control.objects(v.name, "secrets").map((n) => `secret/${n}`),
        ...cloud.control.objects(v.name, "certificates").map((n) => `certificate/${n}`),
        ...cloud.control.objects(v.name, "keys").map((n) => `key/${n}`),
      ].sort();
      expect(baseline.live[v.name], v.name).toEqual(expected);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
    expect(cloud.control.count("kv.secrets.list")).toBeGreaterThanOrEqual(2 * checked);
    expect(baseline.creds.length).toBeGreaterThan(10);
  });

  test("10 % injected faults (429 with and without Retry-After, 500, 503, resets, timeouts): nothing lost, failures recorded", async () => {
    const { cloud } = env;
    const mix: Omit<FaultRule, "service">[] = [
      { kind: "status", status: 429, rate: 0.03 },
      { kind: "status", status: 429, retryAfterMs: 50, rate: 0.02 },
      { kind: "status", status: 500, rate: 0.015 },
      { kind: "status", status: 503, retryAfter: 0, rate: 0.015 },
      { kind: "reset", rate: 0.01 },
      { kind: "timeout", rate: 0.01 },
    ];
    for (const service of ["kv", "arm", "rg", "graph"] as const)
      for (const m of mix) cloud.control.addFault({ ...m, service });
    cloud.control.resetCounters();
    const run = await runScan({ mode: "forced" }, { retry: { ...TEST_RETRY, timeoutMs: 1000 } });
    const fired = cloud.control.faults().reduce((a, f) => a + (f as { fired: number }).fired, 0);
    cloud.control.clearFaults();
    expect(fired).toBeGreaterThan(5);
    expect(run.stats.retries).toBeGreaterThanOrEqual(fired - 2);
    expect(["completed", "completed_with_errors"]).toContain(run.status);
    const after = await inventory();
    // 0 objects lost versus the fault-free scan
    for (const [vault, names] of Object.entries(baseline.live)) expect(after.live[vault], vault).toEqual(names);
    expect(after.creds).toEqual(baseline.creds);
    expect(after.removed).toBe(0);
    // every vault whose outcome differs from the baseline has a recorded error for this scan
    const db = await getDb();
    const errs = await db.select().from(scanErrors).where(eq(scanErrors.scanId, run.id));
    const changed = after.vs.filter((v) => !baseline.vs.includes(v));
    const vrows = await db.select().from(vaults);
    for (const c of changed) {
      const id = vrows.find((v) => v.name === c.split(":")[0])!.id;
      expect(
        errs.some((e) => e.scope === id),
        c,
      ).toBe(true);
    }
    expect(run.errorCount).toBe(errs.length);
    expect(cloud.control.count("kv.secrets.get")).toBe(0);
  });

  test("a worker stopping mid-scan (AbortSignal) hands it over; the next claim reads only the vaults not yet done", async () => {
    const { cloud } = env;
    const db = await getDb();
    await updateSetting({
      ctx: userCtx("CertifyClouds.Admin"),
      // a slow scan to cancel: two calls at a time, not grown by the adaptive limit
      input: { key: "discovery.concurrency", value: { global: 2, perVault: 1, adaptive: false } },
    });
    cloud.control.setLatency({ fixedMs: 15 });
    const { scanId } = await requestScan({ ctx: userCtx("CertifyClouds.Operator"), input: { mode: "forced" } });
    const ctx = workerCtx();
    await claimNextQueuedScan(ctx);
    const ac = new AbortController();
    const p = executeScan({ ctx, input: { scanId }, signal: ac.signal, retry: TEST_RETRY, heartbeatMs: 50 });
    for (let i = 0; i < 400; i++) {
      const r = await scanProgress({ ctx, input: { id: scanId } });
      if (r.vaultsDone >= 2) break;
      await new Promise((res) => setTimeout(res, 25));
    }
    ac.abort();
    const stopped = await p;
    // not ended: still running, the lease let go so the next claim need not wait for it to lapse
    expect(stopped.status).toBe("running");
    expect(stopped.leaseExpiresAt!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(stopped.vaultsDone).toBeGreaterThanOrEqual(2);
    expect(stopped.vaultsDone).toBeLessThan(stopped.vaultsTotal);
    expect(await inventory()).toEqual(baseline);
    const doneBefore = await doneVaultNames(scanId);
    expect(doneBefore.size).toBe(stopped.vaultsDone);

    cloud.control.setLatency({ fixedMs: 0 });
    cloud.control.resetCounters();
    expect(await claimNextQueuedScan(ctx)).toBe(scanId);
    const run = await executeScan({ ctx, input: { scanId }, retry: TEST_RETRY, heartbeatMs: 50 });
    await updateSetting({
      ctx: userCtx("CertifyClouds.Admin"),
      input: { key: "discovery.concurrency", value: { global: 32, perVault: 4 } },
    });
    expect(["completed", "completed_with_errors"]).toContain(run.status);
    expect(run).toMatchObject({ attempt: 2, vaultsDone: run.vaultsTotal, vaultsTotal: stopped.vaultsTotal });
    // resumed, not restarted: the vaults done before are not listed again, every other one exactly once
    expect(cloud.control.count("arm.subscriptions.list")).toBe(0);
    for (const v of cloud.control.vaults().filter((x) => x.reachable && x.access !== "none"))
      expect(cloud.control.count("kv.keys.list", v.name), v.name).toBe(doneBefore.has(v.name) ? 0 : 1);
    // one scan: objects counted once across both attempts, the to-do list gone
    expect(run.objectsSeen).toBe(Object.values(baseline.live).flat().length);
    expect(await db.select().from(scanVaults).where(eq(scanVaults.scanId, scanId))).toEqual([]);
    expect(await inventory()).toEqual(baseline);
    const actions = (await db.select().from(auditLog).where(eq(auditLog.targetId, scanId))).map((a) => a.action);
    expect(actions.filter((a) => a === "discovery.scan.started")).toHaveLength(1);
    expect(actions).toEqual(expect.arrayContaining(["discovery.scan.resumed", "discovery.scan.completed"]));
  });

  test("a worker whose lease was taken over stops writing at once, and the new holder completes the scan", async () => {
    const { cloud } = env;
    const db = await getDb();
    await updateSetting({
      ctx: userCtx("CertifyClouds.Admin"),
      // a slow scan to cancel: two calls at a time, not grown by the adaptive limit
      input: { key: "discovery.concurrency", value: { global: 2, perVault: 1, adaptive: false } },
    });
    cloud.control.setLatency({ fixedMs: 15 });
    const { scanId } = await requestScan({ ctx: userCtx("CertifyClouds.Operator"), input: { mode: "forced" } });
    const opts = { retry: TEST_RETRY, heartbeatMs: 50 };
    expect(await claimNextQueuedScan(workerCtx(), { worker: "paused" })).toBe(scanId);
    const p = executeScan({ ctx: workerCtx(), input: { scanId }, worker: "paused", ...opts });
    for (let i = 0; i < 400 && (await scanProgress({ ctx: workerCtx(), input: { id: scanId } })).vaultsDone < 2; i++)
      await new Promise((res) => setTimeout(res, 25));
    // what a takeover does to a worker that was paused past its lease: another worker owns the scan now
    await db.update(scanRuns).set({ leaseOwner: "other" }).where(eq(scanRuns.id, scanId));
    const doneAtTakeover = await doneVaultNames(scanId);
    const stopped = await p;
    expect(stopped).toMatchObject({ status: "running", leaseOwner: "other" });
    expect(await doneVaultNames(scanId)).toEqual(doneAtTakeover);

    cloud.control.setLatency({ fixedMs: 0 });
    await db
      .update(scanRuns)
      .set({ leaseExpiresAt: sql`now()` })
      .where(eq(scanRuns.id, scanId));
    expect(await claimNextQueuedScan(workerCtx(), { worker: "next" })).toBe(scanId);
    const run = await executeScan({ ctx: workerCtx(), input: { scanId }, worker: "next", ...opts });
    await updateSetting({
      ctx: userCtx("CertifyClouds.Admin"),
      input: { key: "discovery.concurrency", value: { global: 32, perVault: 4 } },
    });
    expect(["completed", "completed_with_errors"]).toContain(run.status);
    expect(run).toMatchObject({ attempt: 2, vaultsDone: run.vaultsTotal });
    expect(run.objectsSeen).toBe(Object.values(baseline.live).flat().length);
    expect(await inventory()).toEqual(baseline);
  });

  test("cancelScan on a running scan stops it between vaults", async () => {
    const { cloud } = env;
    await updateSetting({
      ctx: userCtx("CertifyClouds.Admin"),
      // a slow scan to cancel: two calls at a time, not grown by the adaptive limit
      input: { key: "discovery.concurrency", value: { global: 2, perVault: 1, adaptive: false } },
    });
    cloud.control.setLatency({ fixedMs: 15 });
    const { scanId } = await requestScan({ ctx: userCtx("CertifyClouds.Operator"), input: { mode: "forced" } });
    const ctx = workerCtx();
    await claimNextQueuedScan(ctx);
    const p = executeScan({ ctx, input: { scanId }, retry: TEST_RETRY, heartbeatMs: 50 });
    for (let i = 0; i < 400 && (await scanProgress({ ctx, input: { id: scanId } })).vaultsDone < 1; i++)
      await new Promise((res) => setTimeout(res, 25));
    await cancelScan({ ctx: userCtx("CertifyClouds.Operator"), input: { scanId } });
    const run = await p;
    cloud.control.setLatency({ fixedMs: 0 });
    await updateSetting({
      ctx: userCtx("CertifyClouds.Admin"),
      input: { key: "discovery.concurrency", value: { global: 32, perVault: 4, adaptive: true } },
    });
    expect(run.status).toBe("cancelled");
    expect(run.vaultsDone).toBeLessThan(run.vaultsTotal);
    expect(await inventory()).toEqual(baseline);
  });

  test("a worker that died (its lease expired) is taken over and the scan completes as one run", async () => {
    const db = await getDb();
    const { scanId } = await requestScan({ ctx: userCtx("CertifyClouds.Operator"), input: { mode: "full" } });
    expect(await claimNextQueuedScan(workerCtx(), { worker: "dead" })).toBe(scanId);
    // the worker "crashes": nothing runs the claimed scan and its lease runs out
    expect(
      await requestScan({ ctx: userCtx("CertifyClouds.Operator"), input: { mode: "full" } }).catch((e) => e.code),
    ).toBe("conflict");
    expect(await claimNextQueuedScan(workerCtx())).toBeNull();
    await db
      .update(scanRuns)
      .set({ leaseExpiresAt: sql`now() - interval '1 second'` })
      .where(eq(scanRuns.id, scanId));
    expect(await scanProgress({ ctx: workerCtx(), input: { id: scanId } })).toMatchObject({
      status: "running",
      workerLost: true,
    });
    expect(await claimNextQueuedScan(workerCtx())).toBe(scanId);
    const run = await executeScan({ ctx: workerCtx(), input: { scanId }, retry: TEST_RETRY, heartbeatMs: 200 });
    expect(["completed", "completed_with_errors"]).toContain(run.status);
    expect(run).toMatchObject({ attempt: 2, vaultsDone: run.vaultsTotal });
    expect(await scanProgress({ ctx: workerCtx(), input: { id: scanId } })).toMatchObject({
      resumeNote: "resumed after interruption (1)",
      workerLost: false,
    });
    expect(await inventory()).toEqual(baseline);
    expect(
      await db
        .select({ id: scanRuns.id })
        .from(scanRuns)
        .where(sql`status in ('queued', 'running')`),
    ).toEqual([]);
  });
});

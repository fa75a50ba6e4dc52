// The scan write fence (scan-lease.ts) on PostgreSQL, where vault writes, the heartbeat and a takeover run on separate
// connections: the heartbeat never queues behind a vault write, a takeover waits for the writes in flight, and a write
// after the takeover sees it. (PGlite is one connection: nothing there runs side by side.)
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getDb } from "@/lib/db/client";
import { scanErrors, scanRuns, scanVaults } from "@/lib/db/schema";
import { claimNextQueuedScan, requestScan } from "@/lib/discovery";
import { markVaultDone } from "@/lib/discovery/scan-checkpoint";
import { enterVaultFence, holdScan, LeaseLostError, renewLease } from "@/lib/discovery/scan-lease";
import type { ScanSession } from "@/lib/discovery/scan-session";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { userCtx, workerCtx } from "./helpers";

let testDb: TestDb;
beforeAll(async () => {
  testDb = await setupTestDb();
});
afterAll(async () => {
  await testDb?.cleanup();
});

/** A vault write of `worker` that holds its fence until `release` is called. */
async function openVaultWrite(scanId: string, worker: string) {
  const db = await getDb();
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let fenced!: () => void;
  const inside = new Promise<void>((r) => (fenced = r));
  const done = db.transaction(async (tx) => {
    await holdScan(tx, scanId, worker);
    fenced();
    await held;
  });
  await inside;
  return { release, done };
}

/** Whether `p` settles within `ms`. */
const settlesWithin = (p: Promise<unknown>, ms: number) =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

describe.runIf(!!process.env.DATABASE_URL || !!process.env.TEST_DATABASE_URL)("scan write fence (PostgreSQL)", () => {
  test("the heartbeat renews while a vault write is in flight; a takeover waits for it; later writes see the new owner", async () => {
    const db = await getDb();
    const { scanId } = await requestScan({ ctx: userCtx("CertifyClouds.Admin"), input: { mode: "full" } });
    expect(await claimNextQueuedScan(workerCtx(), { worker: "worker-a", leaseMs: 30_000 })).toBe(scanId);

    const write = await openVaultWrite(scanId, "worker-a");
    // the renewal is an UPDATE of the scan row: a row lock taken by the fence would make it wait for the write
    const renewal = renewLease(db, scanId, "worker-a", 30_000, { heartbeatAt: new Date() });
    expect(await settlesWithin(renewal, 2_000)).toBe(true);
    expect(await renewal).toBeTruthy();

    // worker-a stops renewing: its lease lapses and worker-b claims the scan — only once the write in flight is over
    await db
      .update(scanRuns)
      .set({ leaseExpiresAt: sql`now() - interval '1 second'` })
      .where(eq(scanRuns.id, scanId));
    const claim = claimNextQueuedScan(workerCtx(), { worker: "worker-b", leaseMs: 30_000 });
    expect(await settlesWithin(claim, 1_000)).toBe(false);
    write.release();
    await write.done;
    expect(await claim).toBe(scanId);
    const [row] = await db.select().from(scanRuns).where(eq(scanRuns.id, scanId));
    expect(row).toMatchObject({ status: "running", leaseOwner: "worker-b", attempt: 2 });

    // worker-a's next write is refused
    await expect(db.transaction((tx) => holdScan(tx, scanId, "worker-a"))).rejects.toBeInstanceOf(LeaseLostError);
    await db.transaction((tx) => holdScan(tx, scanId, "worker-b"));
  });
});

describe("a vault write's fence (both engines)", () => {
  /** What a vault write does (scan-vaults.ts): the shared lock, its rows, then done — which proves the owner. */
  const vaultWrite = (scanId: string, worker: string, attempt: number, vaultId: string) =>
    getDb().then((db) =>
      db.transaction(async (tx) => {
        await enterVaultFence(tx, scanId);
        await tx
          .insert(scanErrors)
          .values({ scanId, scope: vaultId, kind: "unknown", message: worker, remediation: "-" });
        const session = { scanId, worker, run: { attempt } } as unknown as ScanSession;
        await markVaultDone(tx, session, vaultId, { failed: false, objects: 0 });
      }),
    );

  test("after a takeover the old worker's write rolls back whole; the new owner's commits, once", async () => {
    const db = await getDb();
    // one scan runs at a time: the test above leaves its scan running
    await db
      .update(scanRuns)
      .set({ status: "failed" })
      .where(sql`status in ('queued', 'running')`);
    const { scanId } = await requestScan({ ctx: userCtx("CertifyClouds.Admin"), input: { mode: "full" } });
    expect(await claimNextQueuedScan(workerCtx(), { worker: "worker-a", leaseMs: 30_000 })).toBe(scanId);
    const vaultId = "/subscriptions/x/resourcegroups/rg/providers/microsoft.keyvault/vaults/fenced";
    await db.insert(scanVaults).values({ scanId, vaultId, position: 0, target: {} });
    await db
      .update(scanRuns)
      .set({ leaseExpiresAt: sql`now() - interval '1 second'` })
      .where(eq(scanRuns.id, scanId));
    expect(await claimNextQueuedScan(workerCtx(), { worker: "worker-b", leaseMs: 30_000 })).toBe(scanId);

    await expect(vaultWrite(scanId, "worker-a", 1, vaultId)).rejects.toBeInstanceOf(LeaseLostError);
    expect(await db.select().from(scanErrors).where(eq(scanErrors.scanId, scanId))).toEqual([]);
    expect((await db.select().from(scanVaults).where(eq(scanVaults.scanId, scanId)))[0].doneAt).toBeNull();

    await vaultWrite(scanId, "worker-b", 2, vaultId);
    const errors = await db.select().from(scanErrors).where(eq(scanErrors.scanId, scanId));
    expect(errors.map((e) => e.message)).toEqual(["worker-b"]);
    expect((await db.select().from(scanVaults).where(eq(scanVaults.scanId, scanId)))[0]).toMatchObject({
      doneAttempt: 2,
    });
    // a second write of the same vault is refused, not counted twice
    await expect(vaultWrite(scanId, "worker-b", 2, vaultId)).rejects.toThrow(/already done/);
    expect(await db.select().from(scanErrors).where(eq(scanErrors.scanId, scanId))).toHaveLength(1);
  });
});

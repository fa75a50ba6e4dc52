// requestScan / claimNextQueuedScan (claims, takeovers, giving up) / cancelScan against a real database (no cloud needed).
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { systemCtx } from "@/lib/context";
import { getDb } from "@/lib/db/client";
import { auditLog, scanRuns, subscriptions } from "@/lib/db/schema";
import { cancelScan, claimNextQueuedScan, executeScan, requestScan, scanHistory, scanProgress } from "@/lib/discovery";
import { AppError } from "@/lib/errors";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { scanRow, userCtx, workerCtx } from "./helpers";

let testDb: TestDb;
beforeAll(async () => {
  testDb = await setupTestDb();
});
afterAll(async () => {
  await testDb?.cleanup();
});
beforeEach(async () => {
  const db = await getDb();
  // finish whatever a previous test left active
  await db
    .update(scanRuns)
    .set({ status: "cancelled" })
    .where(sql`status in ('queued', 'running')`);
});

const code = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e) => (e instanceof AppError ? e.code : `unexpected: ${e}`),
  );

describe("requestScan", () => {
  test("Viewer and Auditor are refused, anonymous is unauthenticated, Operator and Admin may queue", async () => {
    expect(await code(requestScan({ ctx: userCtx("CertifyClouds.Viewer"), input: { mode: "full" } }))).toBe(
      "forbidden",
    );
    expect(await code(requestScan({ ctx: userCtx("CertifyClouds.Auditor"), input: { mode: "full" } }))).toBe(
      "forbidden",
    );
    expect(
      await code(
        requestScan({ ctx: { actor: { type: "anonymous" }, request: { requestId: "r" } }, input: { mode: "full" } }),
      ),
    ).toBe("unauthenticated");
    const { scanId } = await requestScan({
      ctx: userCtx("CertifyClouds.Operator"),
      input: { mode: "delta", scope: "subscriptions", subscriptions: ["AAAAAAAA-1111-2222-3333-444444444444"] },
    });
    const db = await getDb();
    const run = await scanProgress({ ctx: userCtx("CertifyClouds.Viewer"), input: { id: scanId } });
    expect(run).toMatchObject({
      status: "queued",
      mode: "delta",
      trigger: "manual",
      requestedBy: "operator@contoso.test",
      scope: { subscriptions: ["aaaaaaaa-1111-2222-3333-444444444444"] },
    });
    const [a] = await db.select().from(auditLog).where(eq(auditLog.targetId, scanId));
    expect(a).toMatchObject({
      action: "discovery.scan.requested",
      actorName: "operator@contoso.test",
      outcome: "success",
    });
  });

  test("subscriptions must be GUIDs, and GUIDs the inventory does not know are refused by name", async () => {
    const ctx = userCtx("CertifyClouds.Operator");
    const db = await getDb();
    expect(
      await code(requestScan({ ctx, input: { mode: "full", scope: "subscriptions", subscriptions: ["prod-sub"] } })),
    ).toBe("invalid_input");
    const known = "11111111-0000-4000-8000-000000000001";
    await db.insert(subscriptions).values({ id: known, displayName: "Known" }).onConflictDoNothing();
    const unknownA = "22222222-0000-4000-8000-00000000000a";
    const unknownB = "22222222-0000-4000-8000-00000000000b";
    const refused = await requestScan({
      ctx,
      input: { mode: "full", scope: "subscriptions", subscriptions: [known, unknownA.toUpperCase(), unknownB] },
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("invalid_input");
    expect((refused as AppError).publicMessage).toContain(`${unknownA}, ${unknownB}`);
    expect((refused as AppError).publicMessage).not.toContain(known);
    const { scanId } = await requestScan({
      ctx,
      input: { mode: "full", scope: "subscriptions", subscriptions: [known] },
    });
    expect(await db.select().from(scanRuns).where(eq(scanRuns.id, scanId))).toHaveLength(1);
    await db.delete(subscriptions).where(eq(subscriptions.id, known));
  });

  test("a second request while one is queued or running is a conflict", async () => {
    const ctx = userCtx("CertifyClouds.Admin");
    const { scanId } = await requestScan({ ctx, input: { mode: "full" } });
    expect(await code(requestScan({ ctx, input: { mode: "delta" } }))).toBe("conflict");
    const db = await getDb();
    expect(await claimNextQueuedScan(workerCtx())).toBe(scanId);
    expect(await code(requestScan({ ctx: systemCtx("scheduled-scan"), input: { mode: "delta" } }))).toBe("conflict");
    // concurrent requests: exactly one wins (partial unique index)
    await db.update(scanRuns).set({ status: "completed" }).where(eq(scanRuns.id, scanId));
    const results = await Promise.all([1, 2, 3].map(() => code(requestScan({ ctx, input: { mode: "full" } }))));
    expect(results.filter((r) => r === "ok").length).toBe(1);
    expect(results.filter((r) => r === "conflict").length).toBe(2);
  });

  test("invalid input is refused", async () => {
    const ctx = userCtx("CertifyClouds.Operator");
    expect(await code(requestScan({ ctx, input: { mode: "everything" } }))).toBe("invalid_input");
    expect(await code(requestScan({ ctx, input: { mode: "full", scope: "vaults", vaults: [""] } }))).toBe(
      "invalid_input",
    );
    expect(await code(requestScan({ ctx, input: { mode: "full", scope: "vaults" } }))).toBe("invalid_input");
    expect(await code(requestScan({ ctx, input: { mode: "full", extra: 1 } }))).toBe("invalid_input");
  });
});

describe("claimNextQueuedScan", () => {
  test("claims the queued scan once, even with concurrent workers; null when nothing is queued", async () => {
    const { scanId } = await requestScan({ ctx: userCtx("CertifyClouds.Operator"), input: { mode: "full" } });
    const claims = await Promise.all([
      claimNextQueuedScan(workerCtx()),
      claimNextQueuedScan(workerCtx()),
      claimNextQueuedScan(workerCtx()),
    ]);
    expect(claims.filter((c) => c === scanId).length).toBe(1);
    expect(claims.filter((c) => c === null).length).toBe(2);
    const run = await scanRow(scanId);
    expect(run?.status).toBe("running");
    expect(run?.startedAt).not.toBeNull();
    expect(run?.heartbeatAt).not.toBeNull();
    expect(await claimNextQueuedScan(workerCtx())).toBeNull();
  });

  test("only the system and Operator+ may claim", async () => {
    expect(await code(claimNextQueuedScan(userCtx("CertifyClouds.Viewer")))).toBe("forbidden");
    expect(await code(claimNextQueuedScan(userCtx("CertifyClouds.Operator")))).toBe("ok");
  });
});

describe("cancelScan", () => {
  test("Viewer is refused; a queued scan is cancelled at once; a running one gets cancelRequested", async () => {
    const db = await getDb();
    const { scanId } = await requestScan({ ctx: userCtx("CertifyClouds.Operator"), input: { mode: "full" } });
    expect(await code(cancelScan({ ctx: userCtx("CertifyClouds.Viewer"), input: { scanId } }))).toBe("forbidden");
    expect(await cancelScan({ ctx: userCtx("CertifyClouds.Operator"), input: { scanId } })).toMatchObject({
      status: "cancelled",
    });
    expect((await scanRow(scanId))?.status).toBe("cancelled");
    expect(await code(cancelScan({ ctx: userCtx("CertifyClouds.Operator"), input: { scanId } }))).toBe("conflict");

    const second = await requestScan({ ctx: userCtx("CertifyClouds.Operator"), input: { mode: "full" } });
    await claimNextQueuedScan(workerCtx());
    expect(
      await cancelScan({ ctx: userCtx("CertifyClouds.Operator"), input: { scanId: second.scanId } }),
    ).toMatchObject({ status: "running", cancelRequested: true });
    expect((await scanRow(second.scanId))?.cancelRequested).toBe(true);
    const actions = (await db.select().from(auditLog)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["discovery.scan.cancelled", "discovery.scan.cancel_requested"]));
    expect(
      await code(
        cancelScan({
          ctx: userCtx("CertifyClouds.Operator"),
          input: { scanId: "00000000-0000-4000-8000-000000000000" },
        }),
      ),
    ).toBe("not_found");
  });
});

/** The lease runs out now: the worker holding the scan is taken as stopped. */
async function expireLease(scanId: string) {
  const db = await getDb();
  await db
    .update(scanRuns)
    .set({ leaseExpiresAt: sql`now() - interval '1 second'` })
    .where(eq(scanRuns.id, scanId));
}

describe("takeover of a scan whose worker stopped", () => {
  test("a live lease is left alone; an expired one is taken over (attempt 2, audited with the previous worker)", async () => {
    const db = await getDb();
    const { scanId } = await requestScan({ ctx: userCtx("CertifyClouds.Operator"), input: { mode: "full" } });
    expect(await claimNextQueuedScan(workerCtx(), { worker: "w1", leaseMs: 60_000 })).toBe(scanId);
    const first = (await scanRow(scanId))!;
    expect(first).toMatchObject({ status: "running", leaseOwner: "w1", attempt: 1 });
    expect(first.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(await claimNextQueuedScan(workerCtx(), { worker: "w2", leaseMs: 60_000 })).toBeNull();

    await expireLease(scanId);
    expect(await claimNextQueuedScan(workerCtx(), { worker: "w2", leaseMs: 60_000 })).toBe(scanId);
    const second = (await scanRow(scanId))!;
    expect(second).toMatchObject({ status: "running", leaseOwner: "w2", attempt: 2, startedAt: first.startedAt });
    const [a] = await db.select().from(auditLog).where(eq(auditLog.action, "discovery.scan.resumed"));
    expect(a).toMatchObject({ targetId: scanId, actorType: "system", actorId: "scan-worker" });
    expect(a.details).toMatchObject({ attempt: 2, interruptions: 1, previousWorker: "w1" });
    expect(await scanProgress({ ctx: workerCtx(), input: { id: scanId } })).toMatchObject({
      interruptions: 1,
      resumeNote: "resumed after interruption (1)",
      workerLost: false,
    });
    // executeScan runs only a scan this worker holds
    expect(await code(executeScan({ ctx: workerCtx(), input: { scanId }, worker: "w1" }))).toBe("conflict");
    await expireLease(scanId);
    expect((await scanProgress({ ctx: workerCtx(), input: { id: scanId } })).workerLost).toBe(true);
  });

  test("concurrent claims of an expired scan: exactly one worker takes it over", async () => {
    const { scanId } = await requestScan({ ctx: userCtx("CertifyClouds.Operator"), input: { mode: "full" } });
    await claimNextQueuedScan(workerCtx(), { worker: "w1" });
    await expireLease(scanId);
    const claims = await Promise.all(
      ["a", "b", "c", "d"].map((w) => claimNextQueuedScan(workerCtx(), { worker: w, leaseMs: 60_000 })),
    );
    expect(claims.filter((c) => c === scanId)).toHaveLength(1);
    expect((await scanRow(scanId))?.attempt).toBe(2);
  });

  test("a scan interrupted more than maxInterruptions times fails with that reason, audited; the next one proceeds", async () => {
    const db = await getDb();
    const { scanId } = await requestScan({ ctx: userCtx("CertifyClouds.Operator"), input: { mode: "full" } });
    const opts = (worker: string) => ({ worker, leaseMs: 60_000, maxInterruptions: 1 });
    expect(await claimNextQueuedScan(workerCtx(), opts("w1"))).toBe(scanId);
    await expireLease(scanId);
    expect(await claimNextQueuedScan(workerCtx(), opts("w2"))).toBe(scanId);
    await expireLease(scanId);
    expect(await claimNextQueuedScan(workerCtx(), opts("w3"))).toBeNull();
    const run = (await scanRow(scanId))!;
    expect(run).toMatchObject({ status: "failed", leaseOwner: "w2", leaseExpiresAt: null });
    expect(run.error).toBe("interrupted 2 times (worker stopped); not resumed again (limit 1)");
    expect(run.finishedAt).not.toBeNull();
    const [a] = await db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.action} = 'discovery.scan.failed' and ${auditLog.targetId} = ${scanId}`);
    expect(a).toMatchObject({ actorType: "system", actorId: "scan-worker", outcome: "failure" });
    expect(a.details).toMatchObject({ interruptions: 2, lastWorker: "w2", error: run.error });
    expect(
      (await requestScan({ ctx: userCtx("CertifyClouds.Operator"), input: { mode: "full" } })).scanId,
    ).toBeTruthy();
  });

  test("a running scan from before leases (no expiry) is taken over once its heartbeat is older than a lease", async () => {
    const db = await getDb();
    const { scanId } = await requestScan({ ctx: userCtx("CertifyClouds.Operator"), input: { mode: "full" } });
    await db
      .update(scanRuns)
      .set({ status: "running", startedAt: sql`now()`, heartbeatAt: sql`now() - interval '10 seconds'` })
      .where(eq(scanRuns.id, scanId));
    expect(await claimNextQueuedScan(workerCtx(), { worker: "w1", leaseMs: 60_000 })).toBeNull();
    expect(await claimNextQueuedScan(workerCtx(), { worker: "w1", leaseMs: 5_000 })).toBe(scanId);
    expect(await scanRow(scanId)).toMatchObject({ leaseOwner: "w1", attempt: 1 });
  });

  test("scanHistory is newest first with pages; scanProgress of garbage is invalid input", async () => {
    const ctx = userCtx("CertifyClouds.Viewer");
    const all = await scanHistory({ ctx, input: { pageSize: 200 } });
    expect(all.rows.length).toBeGreaterThan(5);
    expect(all.total).toBe(all.rows.length);
    for (let i = 1; i < all.rows.length; i++)
      expect(all.rows[i - 1].createdAt.getTime()).toBeGreaterThanOrEqual(all.rows[i].createdAt.getTime());
    const page = await scanHistory({ ctx, input: { page: 2, pageSize: 5 } });
    expect(page.rows.map((r) => r.id)).toEqual(all.rows.slice(5, 10).map((r) => r.id));
    expect(await code(scanProgress({ ctx, input: { id: "not-a-uuid" } }))).toBe("invalid_input");
  });
});

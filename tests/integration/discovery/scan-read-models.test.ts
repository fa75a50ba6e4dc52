// The scan read models (history, progress, detail) against a real database, on runs seeded straight into scan_runs.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "@/lib/context";
import { getDb } from "@/lib/db/client";
import { scanErrors, scanRuns } from "@/lib/db/schema";
import { scanDetail, scanHistory, scanProgress, toProgress } from "@/lib/discovery";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { userCtx } from "./helpers";

const NOW = new Date("2026-06-01T12:00:00.000Z");
const V_DEV =
  "/subscriptions/bbbbbbbb-0000-0000-0000-000000000002/resourcegroups/rg-dev/providers/microsoft.keyvault/vaults/kv-dev-locked";
const viewerCtx = userCtx("CertifyClouds.Viewer");
const noRoleCtx: Ctx = {
  actor: {
    type: "user",
    userId: randomUUID(),
    oid: randomUUID(),
    upn: "norole@contoso.test",
    name: "No role",
    roles: [],
  },
  request: { requestId: randomUUID() },
};
const anonCtx: Ctx = { actor: { type: "anonymous" }, request: { requestId: randomUUID() } };

let t: TestDb;
let scanId: string;
beforeAll(async () => {
  t = await setupTestDb();
  const db = await getDb();
  const started = new Date(NOW.getTime() - 86_400_000);
  const [run] = await db
    .insert(scanRuns)
    .values({
      mode: "full",
      trigger: "manual",
      requestedBy: "operator@contoso.example",
      status: "completed_with_errors",
      createdAt: started,
      startedAt: started,
      finishedAt: new Date(started.getTime() + 60_000),
      vaultsTotal: 3,
      vaultsDone: 3,
      vaultsFailed: 1,
      objectsSeen: 12,
      errorCount: 1,
    })
    .returning();
  scanId = run.id;
  await db.insert(scanErrors).values({
    scanId,
    scope: V_DEV,
    kind: "firewall",
    code: "ForbiddenByFirewall",
    message: "Client address is not authorized",
    remediation: "Add the scanner's egress IP to the vault firewall.",
  });
});
afterAll(async () => t?.cleanup());

describe("permissions", () => {
  it.each([
    ["anonymous", anonCtx, "unauthenticated"],
    ["no role", noRoleCtx, "forbidden"],
  ] as const)("%s is rejected by every scan read model", async (_n, ctx, code) => {
    const calls: (() => Promise<unknown>)[] = [
      () => scanHistory({ ctx, input: {} }),
      () => scanProgress({ ctx, input: { id: scanId } }),
      () => scanDetail({ ctx, input: { id: scanId } }),
    ];
    for (const c of calls) await expect(c()).rejects.toMatchObject({ code });
  });
});

describe("scans", () => {
  it("lists history and one scan with its errors", async () => {
    const h = await scanHistory({ ctx: viewerCtx, input: {} });
    expect(h.total).toBe(1);
    const d = await scanDetail({ ctx: viewerCtx, input: { id: scanId }, now: NOW });
    expect(d.scan).toMatchObject({
      status: "completed_with_errors",
      percent: 100,
      active: false,
      etaSeconds: null,
      elapsedSeconds: 60,
    });
    expect(d.errors[0]).toMatchObject({ kind: "firewall", scope: V_DEV });
    await expect(scanProgress({ ctx: viewerCtx, input: { id: randomUUID() } })).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("computes percent and ETA from the vault rate", async () => {
    const db = await getDb();
    const [run] = await db
      .insert(scanRuns)
      .values({
        mode: "delta",
        trigger: "schedule",
        requestedBy: "system:scan",
        status: "running",
        startedAt: new Date(NOW.getTime() - 40_000),
        vaultsTotal: 10,
        vaultsDone: 4,
        objectsSeen: 100,
      })
      .returning();
    const p = toProgress(run, NOW);
    expect(p).toMatchObject({ percent: 40, elapsedSeconds: 40, etaSeconds: 60, active: true });
    expect(await scanProgress({ ctx: viewerCtx, input: { id: run.id }, now: NOW })).toEqual(p);
    expect(toProgress({ ...run, vaultsDone: 0 }, NOW).etaSeconds).toBeNull();
    expect(toProgress({ ...run, status: "queued", startedAt: null, vaultsTotal: 0, vaultsDone: 0 }, NOW)).toMatchObject(
      { percent: 0, etaSeconds: null, elapsedSeconds: null, active: true },
    );
  });
});

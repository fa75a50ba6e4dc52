// toProgress: what the console shows of a scan that survived its worker.
import { describe, expect, it } from "vitest";
import type { ScanRun } from "@/lib/db/schema";
import { toProgress } from "@/lib/discovery";

const NOW = new Date("2026-06-01T12:00:00.000Z");
const at = (s: number) => new Date(NOW.getTime() + s * 1000);

function run(over: Partial<ScanRun>): ScanRun {
  return {
    id: "00000000-0000-4000-8000-000000000001",
    mode: "full",
    scope: {},
    trigger: "schedule",
    requestedBy: "system:scheduled-scan",
    status: "running",
    createdAt: at(-120),
    startedAt: at(-120),
    finishedAt: null,
    heartbeatAt: at(-1),
    leaseOwner: "host:1:abc",
    leaseExpiresAt: at(29),
    attempt: 1,
    checkpoint: {},
    cancelRequested: false,
    vaultsTotal: 1000,
    vaultsDone: 217,
    vaultsFailed: 0,
    objectsSeen: 21_700,
    appsSeen: 0,
    errorCount: 0,
    requestCount: 30_000,
    error: null,
    stats: {},
    ...over,
  };
}

describe("toProgress: interruptions", () => {
  it("a scan on its first worker has no note", () => {
    expect(toProgress(run({}), NOW)).toMatchObject({ interruptions: 0, resumeNote: null, workerLost: false });
  });

  it("a resumed scan says how often it was interrupted, while running and once finished", () => {
    expect(toProgress(run({ attempt: 3 }), NOW)).toMatchObject({
      interruptions: 2,
      resumeNote: "resumed after interruption (2)",
    });
    const done = run({ attempt: 2, status: "completed", finishedAt: at(0), vaultsDone: 1000, leaseExpiresAt: null });
    expect(toProgress(done, NOW)).toMatchObject({ resumeNote: "resumed after interruption (1)", workerLost: false });
  });

  it("a running scan whose lease has expired has lost its worker until another takes it over", () => {
    expect(toProgress(run({ leaseExpiresAt: at(-1) }), NOW).workerLost).toBe(true);
    expect(toProgress(run({ leaseExpiresAt: at(-1), status: "failed" }), NOW).workerLost).toBe(false);
  });

  it("a queued scan (attempt 0) counts no interruption", () => {
    expect(toProgress(run({ status: "queued", attempt: 0, leaseExpiresAt: null }), NOW).interruptions).toBe(0);
  });
});

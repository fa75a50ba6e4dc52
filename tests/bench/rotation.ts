// Rotation propagation benchmark: one app's client secret linked (by tags) to a secret in each of N vaults, Key Vault
// at a fixed round-trip latency; the real rotation (Graph addPassword, parallel Key Vault writes, a real token request,
// PGlite or DATABASE_URL) through the same worker the scheduler runs. Bound: the writes to 20 vaults at 25 ms < 3 s.
//   npm run bench:rotation -- --vaults 20 --latency 25
// Prints: add → last write (propagation), add → verified, and PASS/FAIL against the bound. Run on a quiet machine.
import { ensureCa, startCloud } from "../cloud";
import { setupTestDb } from "../helpers/test-db";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] && !process.argv[i + 1].startsWith("--") ? process.argv[i + 1] : dflt;
}

async function main() {
  const n = Number(arg("vaults", "20"));
  const latency = Number(arg("latency", "25"));
  const boundMs = Number(arg("bound-ms", "3000"));
  ensureCa();
  const cloud = await startCloud({
    estate: { base: "tiny", vaults: 2 },
    throttling: false,
    latency: { fixedMs: 0, jitterMs: 0, perService: { kv: { fixedMs: latency, jitterMs: 0 } } },
    logCapacity: 0,
  });
  const db = await setupTestDb({ LOG_LEVEL: "warn" });
  Object.assign(process.env, cloud.env);
  const { resetConfigForTests } = await import("../../lib/config");
  resetConfigForTests();
  // an app the estate links to no secret of its own: the bench's 20 are its only targets
  const linked = new Set(cloud.control.appLinks().map((l) => l.appId));
  const app = cloud.control.apps().find((a) => a.passwordCredentials.length > 0 && !linked.has(a.appId))!;
  const secret = cloud.control.app(app.id).passwordCredentials.at(-1)!.secretText;
  const oid = cloud.estate.productIdentity.oid;
  for (let i = 0; i < n; i++) {
    const name = `kv-rotbench-${String(i).padStart(2, "0")}`;
    await cloud.control.addVault({ name, rbac: true, access: "full" });
    cloud.control.addRoleAssignment(name, oid, "Key Vault Secrets Officer");
    cloud.control.setSecret(name, "bench-client-secret", secret, { tags: { "cc-app-id": app.appId } });
  }
  const { systemCtx } = await import("../../lib/context");
  const { requestScan, claimNextQueuedScan, executeScan } = await import("../../lib/discovery");
  const { startRotation, runDueRotations } = await import("../../lib/rotation");
  const operator = {
    actor: {
      type: "user" as const,
      userId: "bench",
      oid: "bench",
      upn: "bench@local",
      name: "bench",
      roles: ["CertifyClouds.Operator" as const],
    },
    request: { requestId: "bench" },
  };
  const { scanId } = await requestScan({ ctx: operator, input: { mode: "full" } });
  const worker = systemCtx("scan-worker");
  await claimNextQueuedScan(worker);
  await executeScan({ ctx: worker, input: { scanId } });

  const { rotationId } = await startRotation({ ctx: operator, input: { appObjectId: app.id } });
  const marks: Record<string, number> = {};
  const t0 = performance.now();
  await runDueRotations(systemCtx("rotation-worker"), {
    onStep: (s) => {
      marks[s] ??= performance.now() - t0;
    },
  });
  const { getRotation } = await import("../../lib/rotation");
  const { rotation, steps } = await getRotation({ ctx: operator, input: { rotationId } });
  const writes = steps.filter((s) => s.step === "write_secret" && s.status === "succeeded").length;
  const propagation = marks.written - marks.writing;
  console.log(
    JSON.stringify({
      vaults: n,
      kvLatencyMs: latency,
      writes,
      state: rotation.state,
      heldReason: rotation.heldReason,
      addPasswordMs: Math.round(marks.writing),
      propagationMs: Math.round(propagation),
      verifiedAtMs: Math.round(marks.overlap),
    }),
  );
  const ok = writes === n && rotation.state === "overlap" && propagation < boundMs;
  console.log(
    `${ok ? "PASS" : "FAIL"}: propagation to ${n} vaults ${Math.round(propagation)} ms (bound ${boundMs} ms)`,
  );
  await db.cleanup();
  await cloud.stop();
  process.exit(ok ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

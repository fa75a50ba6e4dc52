// A fault at each step of a rotation leaves the right held state, with the old credential still getting a token;
// a retry after the fault ends completes it. Crashes between steps resume from the persisted state, and two workers
// racing never both work on one rotation.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { like } from "drizzle-orm";
import { systemCtx } from "@/lib/context";
import { getDb } from "@/lib/db/client";
import { alertOutbox } from "@/lib/db/schema";
import { retryRotation, runDueRotations, startRotation } from "@/lib/rotation";
import { webhookRule } from "../alerts/fixtures";
import { runScan, setupDiscovery, userCtx, type Env } from "../discovery/helpers";
import {
  FAST,
  finish,
  grantWrite,
  linkedApp,
  markedCredentials,
  operator,
  rotate,
  rotationRow,
  tick,
  tokenWorks,
} from "./helpers";

let env: Env;
let second: { vault: string; name: string };
beforeAll(async () => {
  env = await setupDiscovery({ estate: "tiny" });
  // the tag-linked app's secret also lives in a second vault, so one vault can fail while the other is written
  const readable = env.cloud.control.vaults().filter((v) => v.reachable && v.access === "full");
  const link = env.cloud.control.appLinks().find((l) => l.mode === "tags" && readable.some((v) => v.name === l.vault))!;
  const app = env.cloud.control.app(link.appId);
  const other = env.cloud.control.vaults().find((v) => v.reachable && v.access === "full" && v.name !== link.vault)!;
  second = { vault: other.name, name: `${link.secretName}-copy` };
  env.cloud.control.setSecret(second.vault, second.name, env.cloud.control.secretValue(link.vault, link.secretName), {
    tags: { "cc-app-id": app.appId },
  });
  grantWrite(env.cloud, second.vault);
  await runScan({ mode: "full" });
}, 180_000);
afterEach(() => env.cloud.control.clearFaults());
afterAll(async () => {
  await env?.stop();
});

const current = (vault: string, name: string) => env.cloud.control.secretValue(vault, name);

describe("a fault at each step", () => {
  test("alerts: a failed step raises rotation.failed (step and reason), the completion rotation.completed — once each", async () => {
    await webhookRule(userCtx("CertifyClouds.Admin"), "Rotation outcomes", [
      "rotation.held",
      "rotation.failed",
      "rotation.completed",
    ]);
    const { appObjectId } = await linkedApp(env.cloud, "naming");
    env.cloud.control.addFault({ service: "graph", op: "graph.applications.addPassword", kind: "status", status: 503 });
    const r = await rotate(appObjectId);
    expect(r.state).toBe("held");
    const db = await getDb();
    const outbox = async () =>
      (
        await db
          .select()
          .from(alertOutbox)
          .where(like(alertOutbox.itemKey, `rotation:${r.id}:%`))
      ).map((o) => ({
        type: o.eventType,
        data: (o.payload as { message: { data: Record<string, unknown> } }).message.data,
      }));
    expect(await outbox()).toEqual([
      {
        type: "rotation.failed",
        data: expect.objectContaining({
          rotationId: r.id,
          step: "add_password",
          error: expect.stringMatching(/addPassword failed: .*503/),
        }),
      },
    ]);
    env.cloud.control.clearFaults();
    await retryRotation({ ctx: operator(), input: { rotationId: r.id } });
    await tick();
    await finish(r.id);
    const rows = await outbox();
    expect(rows.map((o) => o.type).sort()).toEqual(["rotation.completed", "rotation.failed"]);
    // names and metadata only: the payload carries no value of the rotated secret
    expect(JSON.stringify(rows)).not.toContain(current(r.targets[0].vaultName, r.targets[0].secretName));
  });

  test("addPassword failing (503 storm): held before any write, no credential left behind", async () => {
    const { link, app, appObjectId } = await linkedApp(env.cloud, "naming");
    const old = current(link.vault, link.secretName);
    env.cloud.control.addFault({ service: "graph", op: "graph.applications.addPassword", kind: "status", status: 503 });
    const r = await rotate(appObjectId);
    expect({ state: r.state, from: r.heldFrom }).toEqual({ state: "held", from: "adding" });
    expect(r.heldReason).toMatch(/addPassword failed: .*503/);
    expect(markedCredentials(env.cloud, appObjectId, r.id)).toEqual([]);
    expect(current(link.vault, link.secretName)).toBe(old);
    expect(await tokenWorks(app.appId, old)).toBe(true);
    env.cloud.control.clearFaults();
    await retryRotation({ ctx: operator(), input: { rotationId: r.id } });
    await tick();
    expect((await rotationRow(r.id)).state).toBe("overlap");
    await finish(r.id);
  });

  test("every write refused (no permission): the new credential is removed again; retry after the grant completes", async () => {
    const { link, app, appObjectId } = await linkedApp(env.cloud, "naming");
    const old = current(link.vault, link.secretName);
    env.cloud.control.addFault({ service: "kv", op: "kv.secrets.set", kind: "status", status: 403, code: "Forbidden" });
    const r = await rotate(appObjectId);
    expect({ state: r.state, from: r.heldFrom, newKeyId: r.newKeyId }).toEqual({
      state: "held",
      from: "adding",
      newKeyId: null,
    });
    expect(markedCredentials(env.cloud, appObjectId, r.id)).toEqual([]);
    expect(await tokenWorks(app.appId, current(link.vault, link.secretName))).toBe(true);
    expect(current(link.vault, link.secretName)).toBe(old);
    env.cloud.control.clearFaults();
    await retryRotation({ ctx: operator(), input: { rotationId: r.id } });
    await tick();
    const done = await rotationRow(r.id);
    expect(done.state).toBe("overlap");
    expect(done.attempt).toBe(2);
    expect(markedCredentials(env.cloud, appObjectId, r.id).map((c) => c.keyId)).toEqual([done.newKeyId]);
    await finish(r.id);
  });

  test("one vault failing for good: held in writing, the written vault and the old credential both work", async () => {
    const { link, app, appObjectId } = await linkedApp(env.cloud, "tags");
    const old = current(second.vault, second.name);
    env.cloud.control.addFault({
      service: "kv",
      op: "kv.secrets.set",
      vault: second.vault,
      kind: "status",
      status: 500,
    });
    const r = await rotate(appObjectId);
    expect({ state: r.state, from: r.heldFrom }).toEqual({ state: "held", from: "writing" });
    expect(r.heldReason).toMatch(/1 of 2 writes failed/);
    const written = current(link.vault, link.secretName);
    expect(written).not.toBe(old);
    expect(await tokenWorks(app.appId, written)).toBe(true);
    expect(await tokenWorks(app.appId, old)).toBe(true);
    expect(current(second.vault, second.name)).toBe(old);
    // the retry finds the value in the vault it was written to, writes the other one, verifies
    env.cloud.control.clearFaults();
    await retryRotation({ ctx: operator(), input: { rotationId: r.id } });
    await tick();
    expect((await rotationRow(r.id)).state).toBe("overlap");
    expect(current(second.vault, second.name)).toBe(written);
    expect(env.cloud.control.count("graph.applications.addPassword")).toBeGreaterThan(0);
    await finish(r.id);
  });

  test("a 429 storm on the writes (with Retry-After) is ridden out", async () => {
    const { appObjectId } = await linkedApp(env.cloud, "naming");
    env.cloud.control.addFault({
      service: "kv",
      op: "kv.secrets.set",
      kind: "status",
      status: 429,
      retryAfter: 0,
      times: 2,
    });
    env.cloud.control.addFault({
      service: "kv",
      op: "kv.secrets.set",
      kind: "status",
      status: 503,
      retryAfterMs: 10,
      times: 1,
    });
    const r = await rotate(appObjectId);
    expect({ state: r.state, reason: r.heldReason }).toEqual({ state: "overlap", reason: null });
    await finish(r.id);
  });

  test("verification failing: held in verifying with Entra's code; the old credential still works; retry completes", async () => {
    const { link, app, appObjectId } = await linkedApp(env.cloud, "naming");
    const old = current(link.vault, link.secretName);
    env.cloud.control.addFault({
      service: "entra",
      op: "entra.token",
      kind: "status",
      status: 401,
      code: "invalid_client",
      message: "AADSTS7000215: Invalid client secret provided.",
    });
    const r = await rotate(appObjectId);
    expect({ state: r.state, from: r.heldFrom, reason: r.heldReason }).toEqual({
      state: "held",
      from: "verifying",
      reason: "verification failed: AADSTS7000215",
    });
    env.cloud.control.clearFaults();
    expect(await tokenWorks(app.appId, old)).toBe(true);
    await retryRotation({ ctx: operator(), input: { rotationId: r.id } });
    await tick();
    expect((await rotationRow(r.id)).state).toBe("overlap");
    await finish(r.id);
  });
});

describe("crashes and races", () => {
  test("a crash right after addPassword was recorded: the next tick removes it and starts over", async () => {
    const { link, app, appObjectId } = await linkedApp(env.cloud, "naming");
    const old = current(link.vault, link.secretName);
    const { rotationId } = await startRotation({ ctx: operator(), input: { appObjectId } });
    const crash = (s: string) => {
      if (s === "writing") throw new Error("simulated crash");
    };
    await runDueRotations(systemCtx("rotation-worker"), { ...FAST, onStep: crash });
    const mid = await rotationRow(rotationId);
    expect(mid.state).toBe("writing");
    expect(await tokenWorks(app.appId, old)).toBe(true);
    await tick();
    const r = await rotationRow(rotationId);
    expect({ state: r.state, attempt: r.attempt }).toEqual({ state: "overlap", attempt: 2 });
    // the first attempt's credential is gone: only the one in the vault is left
    expect(markedCredentials(env.cloud, appObjectId, rotationId).map((c) => c.keyId)).toEqual([r.newKeyId]);
    await finish(rotationId);
  });

  test("a crash after the writes: the next tick reads the value back from the vault and verifies", async () => {
    const { appObjectId } = await linkedApp(env.cloud, "naming");
    const { rotationId } = await startRotation({ ctx: operator(), input: { appObjectId } });
    await runDueRotations(systemCtx("rotation-worker"), {
      ...FAST,
      onStep: (s) => {
        if (s === "written") throw new Error("simulated crash");
      },
    });
    expect((await rotationRow(rotationId)).state).toBe("writing");
    await tick();
    const r = await rotationRow(rotationId);
    expect({ state: r.state, attempt: r.attempt }).toEqual({ state: "overlap", attempt: 1 });
    await finish(rotationId);
  });

  test("two workers racing: one of them runs the rotation, addPassword is called once", async () => {
    const { appObjectId } = await linkedApp(env.cloud, "naming");
    env.cloud.control.resetCounters();
    env.cloud.control.setLatency({ fixedMs: 30, jitterMs: 0 });
    const { rotationId } = await startRotation({ ctx: operator(), input: { appObjectId } });
    await Promise.all([tick({ worker: "replica-a" }), tick({ worker: "replica-b" })]);
    env.cloud.control.setLatency({ fixedMs: 0, jitterMs: 0 });
    expect((await rotationRow(rotationId)).state).toBe("overlap");
    expect(env.cloud.control.count("graph.applications.addPassword")).toBe(1);
    await finish(rotationId);
  });
});

// Automatic rotation and four-eyes approval with the real SDKs against the local cloud: the rotation-auto pass
// starts a rotation only for an app whose linked client secret expires within the days set, inside the maintenance
// window and the include/exclude patterns; with approval required nothing touches Entra ID or Key Vault until an
// Admin other than the requester approves, and a rejection cancels it.
import { and, eq, like } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, test } from "vitest";
import { systemCtx } from "@/lib/context";
import { getDb } from "@/lib/db/client";
import { alertOutbox, auditLog } from "@/lib/db/schema";
import {
  decideRotation,
  listAppAutoOverrides,
  planRotation,
  runAutoRotations,
  setAppAutoRotation,
  startRotation,
} from "@/lib/rotation";
import type { SettingValue } from "@/lib/settings/definitions";
import { updateSetting } from "@/lib/settings/store";
import { webhookRule } from "../alerts/fixtures";
import { runScan, userCtx, type Env } from "../discovery/helpers";
import {
  finish,
  grantCertificateRotation,
  grantWrite,
  operator,
  readableVaults,
  rotationRow,
  scannedTinyEstate,
  tick,
} from "./helpers";

const tiny = scannedTinyEstate();
let env: Env;
beforeAll(() => {
  env = tiny();
});

const admin = (upn = "admin@contoso.test") => userCtx("CertifyClouds.Admin", upn);
const auto = () => systemCtx("rotation-auto");
const ALL_DAY = { windowDays: [0, 1, 2, 3, 4, 5, 6], windowStartHour: 0, windowEndHour: 24, timezone: "UTC" };

async function setAuto(v: Partial<SettingValue<"rotation.auto">>) {
  await updateSetting({
    ctx: admin(),
    input: {
      key: "rotation.auto",
      value: {
        enabled: true,
        daysBeforeExpiry: 30,
        requireApproval: false,
        updateReferences: false,
        include: ["*"],
        exclude: [],
        ...ALL_DAY,
        ...v,
      },
    },
  });
}

/** Two apps with a tag-linked secret in a readable vault (made writable), and when the credential to replace ends. */
async function twoApps() {
  const readable = readableVaults(env.cloud);
  const out: { app: ReturnType<typeof env.cloud.control.app>; appObjectId: string; end: Date }[] = [];
  for (const l of env.cloud.control.appLinks().filter((x) => x.mode === "tags" && readable.has(x.vault))) {
    const app = env.cloud.control.app(l.appId);
    if (out.some((o) => o.appObjectId === app.id)) continue;
    grantWrite(env.cloud, l.vault);
    const plan = await planRotation({ ctx: operator(), input: { appObjectId: app.id }, consumers: false });
    const end = plan.replaces?.endDateTime;
    if (plan.blockers.length || !end) continue;
    out.push({ app, appObjectId: app.id, end });
    if (out.length === 2) break;
  }
  if (out.length < 2) throw new Error("the tiny estate needs two rotatable tag-linked apps");
  return out;
}

beforeEach(async () => {
  await updateSetting({
    ctx: admin(),
    input: { key: "rotation.auto", value: { enabled: false, requireApproval: false }, merge: true },
  });
});

describe("automatic rotation", () => {
  test("off by default and outside the window: nothing starts", async () => {
    expect((await runAutoRotations(auto())).skipped).toBe("automatic rotation is off");
    await setAuto({
      windowDays: [1],
      windowStartHour: 2,
      windowEndHour: 4,
      timezone: "Europe/Berlin",
      include: ["no-such-app"],
    });
    // Monday 2026-12-07 03:30 in Berlin (02:30 UTC) is inside; 10:00 the same day and 03:30 on Tuesday are not
    expect((await runAutoRotations(auto(), { now: new Date("2026-12-07T02:30:00Z") })).skipped).toBeUndefined();
    for (const at of ["2026-12-07T09:00:00Z", "2026-12-08T02:30:00Z"])
      expect((await runAutoRotations(auto(), { now: new Date(at) })).skipped, at).toBe(
        "outside the maintenance window",
      );
  });

  test("starts the app whose linked secret expires within the days set; not the excluded one, not one expiring later", async () => {
    const [a, b] = await twoApps();
    const names = [a.app.displayName, b.app.displayName];
    await setAuto({ include: names, exclude: [b.app.displayName] });
    // the clock 10 days before a's secret ends: a is due; b is excluded (whatever its expiry)
    const now = new Date(a.end.getTime() - 10 * 86_400_000);
    const early = await runAutoRotations(auto(), { now: new Date(a.end.getTime() - 40 * 86_400_000) });
    expect(early.started.map((s) => s.appObjectId)).not.toContain(a.appObjectId);

    const res = await runAutoRotations(auto(), { now });
    expect(res.started.map((s) => s.appObjectId)).toEqual([a.appObjectId]);
    if (b.end.getTime() < now.getTime() + 30 * 86_400_000)
      expect(res.passed).toContainEqual({ appObjectId: b.appObjectId, reason: "excluded by the patterns" });
    const r = await rotationRow(res.started[0].rotationId);
    expect({ trigger: r.trigger, by: r.requestedBy, state: r.state }).toEqual({
      trigger: "auto",
      by: "rotation-auto",
      state: "adding",
    });
    // a second pass does not start it twice
    const again = await runAutoRotations(auto(), { now });
    expect(again.started).toEqual([]);
    expect(again.passed.find((p) => p.appObjectId === a.appObjectId)?.reason).toMatch(/already in progress/);
    await tick();
    expect((await rotationRow(r.id)).state).toBe("overlap");
    await finish(r.id);
    // done, but the inventory still lists the removed credential until the next scan: not rotated again
    const after = await runAutoRotations(auto(), { now });
    expect(after.started).toEqual([]);
    expect(after.passed.find((p) => p.appObjectId === a.appObjectId)?.reason).toBe(
      `already replaced by rotation ${r.id}`,
    );
    const db = await getDb();
    const [row] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "rotation.started"), eq(auditLog.targetId, r.id)));
    expect(row.details).toMatchObject({ trigger: "auto", reason: expect.stringMatching(/^client secret expires /) });
  });
});

describe("automatic rotation of Key Vault certificates, per-app switch", () => {
  test("a certificate due is rotated; an app switched to never is passed; always overrides the patterns", async () => {
    const { control } = env.cloud;
    const now = Date.now();
    // apps with no client secret ending within 60 days and no certificate yet: only the new certificate is due
    const quiet = control
      .apps()
      .filter(
        (a) =>
          a.keyCredentials.length === 0 &&
          a.passwordCredentials.every((c) => !c.endDateTime || Date.parse(c.endDateTime) > now + 60 * 86_400_000),
      );
    expect(quiet.length).toBeGreaterThanOrEqual(2);
    const [x, y] = quiet;
    const vault = control.vaults().find((v) => readableVaults(env.cloud).has(v.name))!.name;
    for (const a of [x, y]) {
      control.addCertificate(vault, `auto-${a.id.slice(0, 8)}`, { exp: Math.floor(now / 1000) + 20 * 86_400 });
      control.addAppCertificate(a.id, vault, `auto-${a.id.slice(0, 8)}`);
    }
    grantCertificateRotation(env.cloud, vault);
    await runScan({ mode: "full" });
    // the patterns name only y; x is switched to always, y to never
    await setAuto({ include: [y.displayName] });
    await expect(
      setAppAutoRotation({ ctx: operator(), input: { appObjectId: x.id, auto: "always" } }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await setAppAutoRotation({ ctx: admin(), input: { appObjectId: x.id, auto: "always" } });
    await setAppAutoRotation({ ctx: admin(), input: { appObjectId: y.id, auto: "never" } });
    expect(
      (await listAppAutoOverrides({ ctx: userCtx("CertifyClouds.Viewer") })).map((o) => [o.appObjectId, o.auto]),
    ).toEqual(
      expect.arrayContaining([
        [x.id, "always"],
        [y.id, "never"],
      ]),
    );
    const res = await runAutoRotations(auto());
    expect(res.started.map((s) => s.appObjectId)).toEqual([x.id]);
    expect(res.passed).toContainEqual({ appObjectId: y.id, reason: "automatic rotation is off for this app" });
    const r = await rotationRow(res.started[0].rotationId);
    expect({ kind: r.kind, trigger: r.trigger }).toEqual({ kind: "certificate", trigger: "auto" });
    await tick();
    expect((await rotationRow(r.id)).state).toBe("overlap");
    await finish(r.id);
    const db = await getDb();
    const [started] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "rotation.started"), eq(auditLog.targetId, r.id)));
    expect(started.details).toMatchObject({
      kind: "certificate",
      reason: expect.stringMatching(/^certificate expires /),
    });
    const switches = await db.select().from(auditLog).where(eq(auditLog.action, "rotation.app_policy.changed"));
    expect(switches.map((a) => a.details)).toEqual([
      { from: "rules", to: "always" },
      { from: "rules", to: "never" },
    ]);
    // back to the patterns: y is only excluded now, not switched off
    for (const a of [x, y]) await setAppAutoRotation({ ctx: admin(), input: { appObjectId: a.id, auto: "rules" } });
    await setAuto({ include: ["no-such-app"] });
    expect(await listAppAutoOverrides({ ctx: admin() })).toEqual([]);
    const later = await runAutoRotations(auto());
    expect(later.started).toEqual([]);
    expect(later.passed).toContainEqual({ appObjectId: y.id, reason: "excluded by the patterns" });
  });
});

describe("approval (four eyes)", () => {
  test("an automatic rotation waits for an Admin: no cloud call before, an Operator cannot approve, approval runs it", async () => {
    await setAuto({ requireApproval: true });
    const [, b] = await twoApps();
    await setAuto({ requireApproval: true, include: [b.app.displayName] });
    await webhookRule(admin(), "Rotations to approve", ["rotation.awaiting_approval"]);
    env.cloud.control.resetCounters();
    const res = await runAutoRotations(auto(), { now: new Date(b.end.getTime() - 86_400_000) });
    expect(res.started.length).toBe(1);
    const id = res.started[0].rotationId;
    expect((await rotationRow(id)).state).toBe("awaiting_approval");
    // the Admins hear of it: one alert, raised with the rotation
    const alerts = await (
      await getDb()
    )
      .select()
      .from(alertOutbox)
      .where(like(alertOutbox.itemKey, `rotation:${id}:%`));
    expect(alerts.map((a) => a.eventType)).toEqual(["rotation.awaiting_approval"]);
    await tick();
    expect((await rotationRow(id)).state).toBe("awaiting_approval");
    expect(env.cloud.control.count("graph.applications.addPassword")).toBe(0);
    await expect(
      decideRotation({ ctx: operator(), input: { rotationId: id, decision: "approve" } }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await decideRotation({ ctx: admin(), input: { rotationId: id, decision: "approve" } });
    const approved = await rotationRow(id);
    expect({ state: approved.state, by: approved.decidedBy }).toEqual({ state: "adding", by: "admin@contoso.test" });
    await tick();
    expect((await rotationRow(id)).state).toBe("overlap");
    expect(env.cloud.control.count("graph.applications.addPassword")).toBe(1);
    await finish(id);
  });

  test("a manual rotation: its requester cannot approve it; another Admin rejects it and nothing changed", async () => {
    await setAuto({ enabled: false, requireApproval: true });
    const [a] = await twoApps();
    const plan = await planRotation({ ctx: admin("alice@contoso.test"), input: { appObjectId: a.appObjectId } });
    expect(plan.needsApproval).toBe(true);
    const { rotationId } = await startRotation({
      ctx: admin("alice@contoso.test"),
      input: { appObjectId: a.appObjectId },
    });
    await expect(
      decideRotation({ ctx: admin("alice@contoso.test"), input: { rotationId, decision: "approve" } }),
    ).rejects.toMatchObject({ code: "forbidden", message: expect.stringMatching(/Four eyes/) });
    env.cloud.control.resetCounters();
    await decideRotation({ ctx: admin("bob@contoso.test"), input: { rotationId, decision: "reject" } });
    await tick();
    const r = await rotationRow(rotationId);
    expect({ state: r.state, by: r.decidedBy }).toEqual({ state: "cancelled", by: "bob@contoso.test" });
    expect(env.cloud.control.count("graph.applications.addPassword")).toBe(0);
    // a cancelled rotation does not block the next one; a decided one cannot be decided again
    expect((await planRotation({ ctx: operator(), input: { appObjectId: a.appObjectId } })).blockers).toEqual([]);
    await expect(
      decideRotation({ ctx: admin("carol@contoso.test"), input: { rotationId, decision: "approve" } }),
    ).rejects.toMatchObject({ code: "conflict" });
    const db = await getDb();
    const rows = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "rotation.rejected"), eq(auditLog.targetId, rotationId)));
    expect(rows.length).toBe(1);
  });
});

// Versioned consumer references updated as part of a rotation, with the real SDKs against the local cloud's ARM:
// App Service connection strings / app settings (list + PUT of the whole list) and Container Apps secrets
// (listSecrets + PATCH). Every other value of those lists comes back unchanged; a refused update holds the rotation
// with the old credential still working; without the Operator's consent nothing is written to ARM.
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, test } from "vitest";
import { getDb } from "@/lib/db/client";
import { appRegistrations, auditLog, rotationSteps } from "@/lib/db/schema";
import { planRotation, retryRotation, runDueRotations, startRotation } from "@/lib/rotation";
import { listConsumerReferences, repointReference, type ConsumerReference } from "@/lib/cloud";
import { systemCtx } from "@/lib/context";
import { allDatabaseText, type Env } from "../discovery/helpers";
import {
  FAST,
  finish,
  grantWrite,
  operator,
  readableVaults,
  rotationRow,
  scannedTinyEstate,
  tokenWorks,
} from "./helpers";

const tiny = scannedTinyEstate();
let env: Env;
beforeAll(() => {
  env = tiny();
});

/** Apps whose linked secrets (in vaults the identity can read, made writable) have versioned consumers. */
async function appsWithVersionedConsumers() {
  const { control } = env.cloud;
  const readable = readableVaults(env.cloud);
  const db = await getDb();
  const out: { appObjectId: string; appId: string; plan: Awaited<ReturnType<typeof planRotation>> }[] = [];
  const seen = new Set<string>();
  for (const l of control.appLinks()) {
    if (!readable.has(l.vault) || seen.has(l.appId)) continue;
    seen.add(l.appId);
    const [row] = await db
      .select({ id: appRegistrations.id })
      .from(appRegistrations)
      .where(eq(appRegistrations.appId, l.appId));
    if (!row) continue;
    const plan = await planRotation({ ctx: operator(), input: { appObjectId: row.id } });
    if (plan.blockers.length || !plan.consumers.some((c) => c.versioned)) continue;
    for (const t of plan.targets) grantWrite(env.cloud, t.vaultName);
    out.push({ appObjectId: row.id, appId: l.appId, plan });
  }
  return out;
}

async function run(appObjectId: string, updateReferences: boolean) {
  const { rotationId } = await startRotation({
    ctx: operator(),
    input: { appObjectId, updateReferences },
  });
  await runDueRotations(systemCtx("rotation-worker"), FAST);
  return rotationRow(rotationId);
}

const versionedNow = async (appObjectId: string) =>
  (await planRotation({ ctx: operator(), input: { appObjectId } })).consumers.filter((c) => c.versioned);

describe("versioned references", () => {
  test("are pointed at the new version after verification; every other setting and secret is kept as it was", async () => {
    const candidates = await appsWithVersionedConsumers();
    expect(candidates.length).toBeGreaterThan(0);
    const { appObjectId, plan } = candidates[0];
    const { control } = env.cloud;
    const sites = [...new Set(plan.consumers.filter((c) => c.kind !== "container_app").map((c) => c.resourceName))];
    const apps = [...new Set(plan.consumers.filter((c) => c.kind === "container_app").map((c) => c.resourceName))];
    for (const a of apps) control.addContainerAppSecret(a, { name: "plain-one", value: "kept-as-is" });
    const before = new Map(sites.map((s) => [s, control.siteConfig(s)]));
    control.resetCounters();

    const r = await run(appObjectId, true);
    expect({ state: r.state, reason: r.heldReason }).toEqual({ state: "overlap", reason: null });
    const steps = (await (await getDb()).select().from(rotationSteps).where(eq(rotationSteps.rotationId, r.id))).filter(
      (s) => s.step === "update_reference",
    );
    const versioned = plan.consumers.filter((c) => c.versioned);
    expect(steps.map((s) => s.target).sort()).toEqual(versioned.map((c) => `${c.resourceName}/${c.setting}`).sort());
    expect(steps.every((s) => s.status === "succeeded" && s.detail.result === "updated")).toBe(true);

    // every versioned reference now names the version this rotation wrote to its secret
    const written = new Map(
      (await (await getDb()).select().from(rotationSteps).where(eq(rotationSteps.rotationId, r.id)))
        .filter((s) => s.step === "write_secret")
        .map((s) => [s.target, s.detail.version]),
    );
    const after = await versionedNow(appObjectId);
    expect(after.length).toBe(versioned.length);
    for (const c of after)
      expect(c.version, `${c.resourceName}/${c.setting}`).toBe(written.get(`${c.vaultName}/${c.secretName}`));

    // the rest of each list is untouched: plain values, versionless references, other secrets
    for (const s of sites) {
      const [b, a] = [before.get(s)!, control.siteConfig(s)];
      const changed = versioned.filter((c) => c.resourceName === s).map((c) => c.setting);
      for (const kind of ["settings", "connectionStrings"] as const) {
        expect(Object.keys(a[kind]).sort()).toEqual(Object.keys(b[kind]).sort());
        for (const [k, v] of Object.entries(b[kind])) if (!changed.includes(k)) expect(a[kind][k], `${s} ${k}`).toBe(v);
      }
    }
    for (const a of apps)
      expect(control.containerAppSecrets(a)).toContainEqual({ name: "plain-one", value: "kept-as-is" });

    // audited per reference with the versions, never a value
    const db = await getDb();
    const rows = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "rotation.step.update_reference"), eq(auditLog.targetId, r.id)));
    expect(rows.length).toBe(versioned.length);
    expect(rows[0].details).toMatchObject({ result: "updated", from: expect.any(String), to: expect.any(String) });
    const text = (await allDatabaseText()).join("\n");
    const newValue = control.secretValue(r.targets[0].vaultName, r.targets[0].secretName);
    expect(text).not.toContain(newValue);
    expect(text).not.toContain("kept-as-is");
    expect(env.logs.join("")).not.toContain(newValue);
    await finish(r.id);
  });

  test("a refused update holds the rotation before the overlap, the old secret still works, Retry completes it", async () => {
    const candidates = await appsWithVersionedConsumers();
    const site = candidates.find((x) => x.plan.consumers.some((c) => c.versioned && c.kind !== "container_app"));
    expect(site).toBeDefined();
    const { appObjectId, appId, plan } = site!;
    const t = plan.targets[0];
    const oldValue = env.cloud.control.secretValue(t.vaultName, t.secretName);
    const fault = env.cloud.control.addFault({
      service: "arm",
      op: "arm.sites.*.update",
      kind: "status",
      status: 403,
      code: "AuthorizationFailed",
    });
    const r = await run(appObjectId, true);
    expect(r.state).toBe("held");
    expect(r.heldFrom).toBe("verifying");
    expect(r.heldReason).toMatch(/^update of .+ failed: .*403/);
    expect(r.heldReason).not.toContain(oldValue);
    // nothing removed: the old credential still gets a token, the reference still names the old version
    expect(await tokenWorks(appId, oldValue)).toBe(true);
    expect((await versionedNow(appObjectId)).map((c) => c.version)).toEqual(
      plan.consumers.filter((c) => c.versioned).map((c) => c.version),
    );

    env.cloud.control.removeFault(fault);
    await retryRotation({ ctx: operator(), input: { rotationId: r.id } });
    await runDueRotations(systemCtx("rotation-worker"), FAST);
    const done = await rotationRow(r.id);
    expect({ state: done.state, reason: done.heldReason }).toEqual({ state: "overlap", reason: null });
    for (const c of await versionedNow(appObjectId))
      expect(c.version).not.toBe(
        plan.consumers.find((p) => p.setting === c.setting && p.resourceId === c.resourceId)?.version,
      );
    await finish(r.id);
  });

  test("left alone when the Operator does not ask for it: no ARM write at all", async () => {
    const candidates = await appsWithVersionedConsumers();
    const { appObjectId, plan } = candidates[0];
    env.cloud.control.resetCounters();
    const r = await run(appObjectId, false);
    expect(r.state).toBe("overlap");
    expect(r.updateReferences).toBe(false);
    for (const op of ["arm.sites.appsettings.update", "arm.sites.connectionstrings.update", "arm.containerApps.update"])
      expect(env.cloud.control.count(op), op).toBe(0);
    expect((await versionedNow(appObjectId)).map((c) => c.version)).toEqual(
      plan.consumers.filter((c) => c.versioned).map((c) => c.version),
    );
    await finish(r.id);
  });
});

describe("repointReference against ARM", () => {
  const target = (c: ConsumerReference, vault: { name: string; host: string }) => ({
    resourceId: c.resourceId,
    settingKind: c.settingKind,
    setting: c.setting,
    vaultName: vault.name,
    vaultHost: vault.host,
    secretName: c.ref.secretName,
  });
  const vaultOf = (c: ConsumerReference) => {
    const v = env.cloud.control
      .vaults()
      .find((x) => (c.ref.vaultName ? x.name === c.ref.vaultName : new URL(x.vaultUri).host === c.ref.vaultHost))!;
    return { name: v.name, host: new URL(v.vaultUri).host };
  };
  const refs = async () =>
    (await Promise.all(env.cloud.estate.subscriptions.map((s) => listConsumerReferences(s.subscriptionId)))).flat();

  test("a Container Apps secret: listSecrets + PATCH of the whole list, plain values sent back, idempotent", async () => {
    const c = (await refs()).find((x) => x.settingKind === "container_app_secret");
    expect(c).toBeDefined();
    const { control } = env.cloud;
    control.addContainerAppSecret(c!.resourceName, { name: "registry-password", value: "plain-kept" });
    const version = "0123456789abcdef0123456789abcdef";
    const t = target(c!, vaultOf(c!));
    expect(await repointReference(t, version)).toBe("updated");
    const secrets = control.containerAppSecrets(c!.resourceName);
    expect(secrets.find((x) => x.name === c!.setting)?.keyVaultUrl).toMatch(
      new RegExp(`/secrets/${c!.ref.secretName}/${version}$`),
    );
    expect(secrets).toContainEqual({ name: "registry-password", value: "plain-kept" });
    expect(await repointReference(t, version)).toBe("unchanged");
    expect(await repointReference({ ...t, secretName: "some-other-secret" }, version)).toBe("gone");
    expect(await repointReference({ ...t, resourceId: `${t.resourceId}-deleted` }, version)).toBe("gone");
  });

  test("app settings in both reference forms keep their form; the other settings keep their values", async () => {
    const all = (await refs()).filter((x) => x.settingKind === "app_setting");
    const byForm = (vaultName: boolean) => all.find((x) => Boolean(x.ref.vaultName) === vaultName);
    for (const c of [byForm(false)!, byForm(true)!]) {
      const before = env.cloud.control.siteConfig(c.resourceName);
      const version = "fedcba9876543210fedcba9876543210";
      expect(await repointReference(target(c, vaultOf(c)), version)).toBe("updated");
      const after = env.cloud.control.siteConfig(c.resourceName);
      const value = after.settings[c.setting];
      if (c.ref.vaultName)
        expect(value).toMatch(new RegExp(`^@Microsoft\\.KeyVault\\(VaultName=.*;SecretVersion=${version}\\)$`));
      else
        expect(value).toMatch(
          new RegExp(`^@Microsoft\\.KeyVault\\(SecretUri=https://.*/secrets/${c.ref.secretName}/${version}\\)$`),
        );
      for (const [k, v] of Object.entries(before.settings)) if (k !== c.setting) expect(after.settings[k]).toBe(v);
      expect(after.connectionStrings).toEqual(before.connectionStrings);
    }
  });

  test("a refused write is an error (never a silent skip)", async () => {
    const c = (await refs()).find((x) => x.settingKind === "connection_string")!;
    const id = env.cloud.control.addFault({
      service: "arm",
      op: "arm.sites.connectionstrings.update",
      kind: "status",
      status: 403,
    });
    try {
      await expect(
        repointReference(target(c, vaultOf(c)), "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", { retry: { attempts: 1 } }),
      ).rejects.toMatchObject({
        statusCode: 403,
      });
    } finally {
      env.cloud.control.removeFault(id);
    }
  });
});

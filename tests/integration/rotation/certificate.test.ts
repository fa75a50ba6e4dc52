// Certificate rotation with the real SDKs against the local cloud: Key Vault makes the next certificate version (a new
// key pair, per the certificate's policy), Graph addKey registers its public part with a proof signed by the OLD
// version's key (Key Vault keys/sign), a token request with a client assertion signed by the NEW key verifies it, and
// removeKey takes the old certificate off after the overlap. The private keys never leave Key Vault.
import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, test } from "vitest";
import { getDb } from "@/lib/db/client";
import { alertOutbox, auditLog, rotationSteps } from "@/lib/db/schema";
import { addAppKey, keyProof, verifyClientAssertion } from "@/lib/cloud";
import { planRotation, retryRotation, startRotation } from "@/lib/rotation";
import { webhookRule } from "../alerts/fixtures";
import { runScan, userCtx, type Env } from "../discovery/helpers";
import {
  finish,
  grantCertificateRotation,
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

let n = 0;
/** An app whose certificate credential is a Key Vault certificate in a readable vault (inventoried by a scan). */
async function appWithKvCertificate(model: "rbac" | "accessPolicy") {
  const { control } = env.cloud;
  const readable = readableVaults(env.cloud);
  const vault = control.vaults().find((v) => readable.has(v.name) && v.rbac === (model === "rbac"))!.name;
  const apps = control.apps();
  const app = apps[n % apps.length];
  const name = `app-cert-${++n}`;
  control.addCertificate(vault, name, { subject: `CN=${name}.contoso.com` });
  const cred = control.addAppCertificate(app.id, vault, name);
  await runScan({ mode: "full" });
  return { vault, name, app, cred };
}

const versions = (vault: string, name: string) => env.cloud.control.object(vault, "certificates", name).versions;
/** the signer (key id + thumbprint) of one certificate version, as Key Vault names it */
function signer(vault: string, name: string, version: string) {
  const v = env.cloud.control.vault(vault);
  const der = Buffer.from(env.cloud.control.certificateCer(vault, name, version), "base64");
  return {
    kid: `${v.vaultUri}keys/${name}/${version}`,
    thumbprint: crypto.createHash("sha1").update(der).digest("hex").toUpperCase(),
  };
}
/** An Operator's Retry of a held rotation: the next tick takes it to the overlap, then it completes. */
async function retryToTheEnd(rotationId: string) {
  await retryRotation({ ctx: operator(), input: { rotationId } });
  await tick();
  expect((await rotationRow(rotationId)).state).toBe("overlap");
  await finish(rotationId);
}

describe("certificate rotation", () => {
  test.each(["rbac", "accessPolicy"] as const)(
    "%s vault: new version → addKey → verified by assertion → overlap → old key removed",
    async (model) => {
      const { vault, name, app, cred } = await appWithKvCertificate(model);
      const oldVersion = versions(vault, name).at(-1)!.version;
      // before the grant the plan says what is missing
      const before = await planRotation({ ctx: operator(), input: { appObjectId: app.id, keyId: cred.keyId } });
      expect(before.kind).toBe("certificate");
      expect(before.blockers).toEqual([]);
      expect(before.certificate).toMatchObject({ vaultName: vault, name, oldVersion, issuer: "Self" });
      expect(before.certificate?.oldThumbprint).toBe(cred.customKeyIdentifier);
      expect(before.permissions.find((p) => p.scope === `Key Vault ${vault}`)).toMatchObject({ has: "no" });
      grantCertificateRotation(env.cloud, vault);
      const plan = await planRotation({ ctx: operator(), input: { appObjectId: app.id, keyId: cred.keyId } });
      expect(plan.permissions.find((p) => p.scope === `Key Vault ${vault}`)).toMatchObject({ has: "yes" });

      if (model === "rbac")
        await webhookRule(userCtx("CertifyClouds.Admin"), "Certificate rotations", ["rotation.completed"]);
      const pre = env.cloud.control.app(app.id).keyCredentials.map((k) => k.customKeyIdentifier);
      env.cloud.control.resetCounters();
      const { rotationId } = await startRotation({
        ctx: operator(),
        input: { appObjectId: app.id, keyId: cred.keyId },
      });
      await tick();
      const r = await rotationRow(rotationId);
      expect(r.state, r.heldReason ?? "").toBe("overlap");
      expect(r.kind).toBe("certificate");
      // one new version, tagged with the rotation, with its own key (another thumbprint, another public key)
      const all = versions(vault, name);
      expect(all).toHaveLength(2);
      const created = all.at(-1)!;
      expect(created.tags).toMatchObject({ "cc-rotation-id": rotationId, "cc-app-id": app.appId });
      expect(r.certificate?.newVersion).toBe(created.version);
      const oldSigner = signer(vault, name, oldVersion);
      const newSigner = signer(vault, name, created.version);
      expect(newSigner.thumbprint).not.toBe(oldSigner.thumbprint);
      // during the overlap both certificates get a token; the app trusts both
      const keys = env.cloud.control.app(app.id).keyCredentials;
      expect(pre).toContain(oldSigner.thumbprint);
      expect(keys.map((k) => k.customKeyIdentifier).sort()).toEqual([...pre, newSigner.thumbprint].sort());
      expect(keys.find((k) => k.customKeyIdentifier === newSigner.thumbprint)?.keyId).toBe(r.newKeyId);
      expect(await verifyClientAssertion(app.appId, oldSigner)).toEqual({ ok: true });
      expect(await verifyClientAssertion(app.appId, newSigner)).toEqual({ ok: true });
      // the private keys stayed in Key Vault: signatures by keys/sign, no secret (PFX/PEM) read
      expect(env.cloud.control.count("kv.keys.sign", vault)).toBeGreaterThanOrEqual(2);
      expect(env.cloud.control.count("kv.secrets.get")).toBe(0);

      await finish(rotationId);
      const after = env.cloud.control.app(app.id).keyCredentials;
      expect(after.map((k) => k.customKeyIdentifier).sort()).toEqual(
        [...pre.filter((t) => t !== oldSigner.thumbprint), newSigner.thumbprint].sort(),
      );
      expect(await verifyClientAssertion(app.appId, oldSigner)).toMatchObject({ ok: false, code: "AADSTS700027" });
      expect(await verifyClientAssertion(app.appId, newSigner)).toEqual({ ok: true });

      const db = await getDb();
      const steps = await db.select().from(rotationSteps).where(eq(rotationSteps.rotationId, rotationId));
      const status = Object.fromEntries(steps.map((s) => [s.step, s.status]));
      expect(status).toEqual({
        create_certificate: "succeeded",
        add_key: "succeeded",
        verify: "succeeded",
        overlap: "succeeded",
        remove_old: "succeeded",
      });
      const audit = await db
        .select({ action: auditLog.action, details: auditLog.details })
        .from(auditLog)
        .where(and(eq(auditLog.targetType, "rotation"), eq(auditLog.targetId, rotationId)));
      const actions = audit.map((a) => a.action);
      for (const a of [
        "rotation.started",
        "rotation.step.create_certificate",
        "rotation.step.add_key",
        "rotation.step.verify",
        "rotation.completed",
      ])
        expect(actions).toContain(a);
      // the completion alert names the certificate, not secrets
      const [alert] = await db
        .select()
        .from(alertOutbox)
        .where(eq(alertOutbox.itemKey, `rotation:${rotationId}:1`));
      expect(JSON.stringify(alert.payload)).toContain(`Key Vault certificate ${vault}/${name}`);
      expect(audit.find((a) => a.action === "rotation.step.create_certificate")?.details).toMatchObject({
        vault,
        certificate: name,
        version: created.version,
      });
    },
    120_000,
  );

  test("without keys/sign it holds before anything changed; Retry after the grant completes", async () => {
    const { vault, name, app, cred } = await appWithKvCertificate("rbac");
    grantCertificateRotation(env.cloud, vault, false);
    const keysBefore = env.cloud.control.app(app.id).keyCredentials.length;
    const { rotationId } = await startRotation({ ctx: operator(), input: { appObjectId: app.id, keyId: cred.keyId } });
    await tick();
    const held = await rotationRow(rotationId);
    expect(held.state).toBe("held");
    expect(held.heldFrom).toBe("adding");
    expect(held.heldReason).toMatch(/signing the proof .*permission/);
    // nothing changed: no new version, no new key credential
    expect(versions(vault, name)).toHaveLength(1);
    expect(env.cloud.control.app(app.id).keyCredentials).toHaveLength(keysBefore);

    grantCertificateRotation(env.cloud, vault, true);
    await retryToTheEnd(rotationId);
    expect(versions(vault, name)).toHaveLength(2);
  }, 120_000);

  test("a crash after the new version was made resumes with it (no second version, no second key)", async () => {
    const { vault, name, app, cred } = await appWithKvCertificate("accessPolicy");
    grantCertificateRotation(env.cloud, vault);
    const keysBefore = env.cloud.control.app(app.id).keyCredentials.length;
    const { rotationId } = await startRotation({ ctx: operator(), input: { appObjectId: app.id, keyId: cred.keyId } });
    // the process "dies" right after the create_certificate transition committed
    await tick({
      onStep: () => {
        throw new Error("killed");
      },
    });
    const mid = await rotationRow(rotationId);
    expect(mid.state).toBe("adding");
    expect(mid.certificate?.newVersion).toBeTruthy();
    expect(versions(vault, name)).toHaveLength(2);
    // the lease lapses; the next worker picks it up
    const db = await getDb();
    const { rotations } = await import("@/lib/db/schema");
    await db.update(rotations).set({ lockedUntil: null, lockedBy: null }).where(eq(rotations.id, rotationId));
    await tick();
    const r = await rotationRow(rotationId);
    expect(r.state, r.heldReason ?? "").toBe("overlap");
    expect(versions(vault, name)).toHaveLength(2);
    expect(env.cloud.control.app(app.id).keyCredentials).toHaveLength(keysBefore + 1);
    await finish(rotationId);
  }, 120_000);

  test("faults: addKey refused → held with the version kept, old certificate works, Retry registers it without a second version; verification refused → held", async () => {
    const { vault, name, app, cred } = await appWithKvCertificate("accessPolicy");
    grantCertificateRotation(env.cloud, vault);
    const oldVersion = versions(vault, name)[0].version;
    const old = signer(vault, name, oldVersion);
    const { control } = env.cloud;
    control.addFault({ service: "graph", op: "graph.applications.addKey", kind: "status", status: 403 });
    const { rotationId } = await startRotation({ ctx: operator(), input: { appObjectId: app.id, keyId: cred.keyId } });
    await tick();
    const held = await rotationRow(rotationId);
    expect({ state: held.state, from: held.heldFrom }).toEqual({ state: "held", from: "adding" });
    expect(held.heldReason).toMatch(/addKey failed: permission \(HTTP 403.*does not trust it yet; retry registers it/);
    expect(versions(vault, name)).toHaveLength(2);
    expect(await verifyClientAssertion(app.appId, old)).toEqual({ ok: true });
    control.clearFaults();
    // Entra refuses the assertion (as while a new key propagates, for good here): held in verifying
    control.addFault({ service: "entra", op: "entra.token", kind: "status", status: 401, code: "invalid_client" });
    await retryRotation({ ctx: operator(), input: { rotationId } });
    await tick();
    const unverified = await rotationRow(rotationId);
    expect({ state: unverified.state, from: unverified.heldFrom }).toEqual({ state: "held", from: "verifying" });
    expect(unverified.heldReason).toMatch(/^verification failed: /);
    expect(versions(vault, name)).toHaveLength(2); // the retry used the version it had made
    control.clearFaults();
    expect(await verifyClientAssertion(app.appId, old)).toEqual({ ok: true });
    await retryToTheEnd(rotationId);
    expect(versions(vault, name)).toHaveLength(2);
  }, 120_000);

  test("Graph refuses addKey without a proof signed by a current certificate of the app", async () => {
    const { vault, name, app } = await appWithKvCertificate("rbac");
    grantCertificateRotation(env.cloud, vault);
    // another certificate in the vault (not the app's) signs the proof
    env.cloud.control.addCertificate(vault, `${name}-other`);
    const other = signer(vault, `${name}-other`, versions(vault, `${name}-other`).at(-1)!.version);
    const der = Buffer.from(env.cloud.control.certificateCer(vault, `${name}-other`), "base64");
    const foreign = await keyProof(app.id, other);
    await expect(addAppKey(app.id, { cer: der, displayName: "x" }, foreign)).rejects.toMatchObject({ statusCode: 401 });
    // the app's own certificate's proof is accepted
    const own = await keyProof(app.id, signer(vault, name, versions(vault, name).at(-1)!.version));
    await expect(addAppKey(app.id, { cer: der, displayName: "x" }, own)).resolves.toMatchObject({
      keyId: expect.any(String),
    });
  }, 60_000);

  test("plan blockers: no Key Vault holder, an imported certificate", async () => {
    const { control } = env.cloud;
    const app = control.apps()[0];
    const readable = readableVaults(env.cloud);
    const vault = control.vaults().find((v) => readable.has(v.name))!.name;
    control.addCertificate(vault, "imported-cert", { issuer: "Unknown" });
    const imported = control.addAppCertificate(app.id, vault, "imported-cert");
    // a certificate credential whose certificate is in no vault
    control.addCertificate(vault, "gone-cert");
    const orphan = control.addAppCertificate(app.id, vault, "gone-cert");
    control.deleteObject(vault, "certificates", "gone-cert", { purge: true });
    await runScan({ mode: "full" });
    const plan = (keyId: string) => planRotation({ ctx: operator(), input: { appObjectId: app.id, keyId } });
    expect((await plan(imported.keyId)).blockers).toEqual([expect.stringMatching(/was imported \(issuer "Unknown"\)/)]);
    expect((await plan(orphan.keyId)).blockers).toEqual([expect.stringMatching(/No Key Vault certificate/)]);
  }, 120_000);
});

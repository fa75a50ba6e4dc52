// A client-secret rotation end to end with the real SDKs against the local cloud: Graph addPassword, Key Vault writes,
// a real client-credentials token request as verification, the overlap, removePassword. The generated value never
// reaches the database, the logs or the audit log.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, test } from "vitest";
import { systemCtx } from "@/lib/context";
import { getDb } from "@/lib/db/client";
import { auditLog, rotationSteps } from "@/lib/db/schema";
import { getRotation, listAppLinks, planRotation, runDueRotations, startRotation } from "@/lib/rotation";
import { allDatabaseText, runScan, userCtx, type Env } from "../discovery/helpers";
import {
  endOverlap,
  FAST,
  grantWrite,
  linkedApp,
  markedCredentials,
  operator,
  rotate,
  rotationRow,
  scannedTinyEstate,
  tokenWorks,
} from "./helpers";

const tiny = scannedTinyEstate();
let env: Env;
beforeAll(() => {
  env = tiny();
});

describe("links and plan", () => {
  test("a tag-linked and a name-linked secret are active links with their source", async () => {
    for (const mode of ["tags", "naming"] as const) {
      const { link, appObjectId } = await linkedApp(env.cloud, mode);
      const { links } = await listAppLinks({ ctx: operator(), input: { appObjectId } });
      const l = links.find((x) => x.secret.name === link.secretName && x.secret.vaultName === link.vault);
      expect(l, mode).toMatchObject({ source: mode, active: true, confidence: mode === "tags" ? "high" : "medium" });
    }
  });

  test("the plan lists the credential replaced, every secret to write, the overlap and the permissions", async () => {
    const { link, appObjectId } = await linkedApp(env.cloud, "tags");
    const plan = await planRotation({ ctx: operator(), input: { appObjectId } });
    expect(plan.blockers).toEqual([]);
    expect(plan.replaces?.keyId).toBe(link.keyId);
    expect(plan.targets.map((t) => `${t.vaultName}/${t.secretName}`)).toContain(`${link.vault}/${link.secretName}`);
    expect(plan.overlapHours).toBe(24);
    expect(plan.permissions[0].needs).toMatch(/Application\.ReadWrite\.OwnedBy/);
  });

  test("the plan reads the identity's permissions live: missing before the grant, present after it", async () => {
    const { link, appObjectId } = await linkedApp(env.cloud, "naming", false);
    const vaultCheck = async () =>
      (await planRotation({ ctx: operator(), input: { appObjectId } })).permissions.find(
        (p) => p.scope === `Key Vault ${link.vault}`,
      );
    const rbac = env.cloud.control.vaults().find((v) => v.name === link.vault)!.rbac;
    // as the estate made it: read, no write (earlier tests may have granted it)
    const oid = env.cloud.estate.productIdentity.oid;
    if (rbac) env.cloud.control.removeRoleAssignment(link.vault, oid, "Key Vault Secrets Officer");
    else
      env.cloud.control.setAccessPolicy(link.vault, oid, {
        secrets: ["get", "list"],
        certificates: ["get", "list"],
        keys: ["get", "list"],
      });
    const before = await vaultCheck();
    expect(before).toMatchObject({
      has: "no",
      detail: rbac ? /^cannot write secrets — RBAC/ : /^cannot write secrets — access policy: secrets get, list$/,
    });
    grantWrite(env.cloud, link.vault);
    expect(await vaultCheck()).toMatchObject({
      has: "yes",
      detail: rbac ? "RBAC: Key Vault Secrets Officer" : expect.stringContaining("set"),
    });
    // the check reads metadata only: no secret value
    expect(env.cloud.control.count("kv.secrets.get")).toBe(0);
  });

  test("the plan shows every consumer of the linked secrets: versionless ones refresh, versioned ones are flagged", async () => {
    const all = env.cloud.estate.containerApps.length + env.cloud.estate.sites.length;
    expect(all).toBeGreaterThan(0);
    let versioned = 0;
    let versionless = 0;
    for (const mode of ["tags", "naming"] as const) {
      const { appObjectId } = await linkedApp(env.cloud, mode);
      const plan = await planRotation({ ctx: operator(), input: { appObjectId } });
      expect(plan.consumersError).toBeUndefined();
      for (const c of plan.consumers) {
        expect(plan.targets.some((t) => t.vaultName === c.vaultName && t.secretName === c.secretName)).toBe(true);
        if (c.versioned) {
          versioned++;
          expect(c.effect).toMatch(/keeps the old value/);
        } else {
          versionless++;
          expect(c.effect).toMatch(/within (24 hours|30 minutes)/);
        }
      }
    }
    expect(versionless).toBeGreaterThan(0);
    expect(versioned).toBeGreaterThan(0);
    // metadata only: no secret value was read to find them
    expect(env.cloud.control.count("kv.secrets.get")).toBe(0);
  });

  test("the plan warns about a target vault the last scan could not read, and only about that one", async () => {
    const { control } = env.cloud;
    const { link, appObjectId } = await linkedApp(env.cloud, "naming", false);
    expect((await planRotation({ ctx: operator(), input: { appObjectId }, consumers: false })).warnings).toEqual([]);
    control.setAccess(link.vault, "none");
    try {
      await runScan({ mode: "full" });
      const plan = await planRotation({ ctx: operator(), input: { appObjectId }, consumers: false });
      expect(plan.warnings).toEqual([expect.stringContaining(`could not read ${link.vault} (permission)`)]);
    } finally {
      control.setAccess(link.vault, "full");
      await runScan({ mode: "full" });
    }
  });

  test("a Viewer can neither plan nor start a rotation", async () => {
    const { appObjectId } = await linkedApp(env.cloud, "tags");
    const viewer = userCtx("CertifyClouds.Viewer");
    await expect(planRotation({ ctx: viewer, input: { appObjectId } })).rejects.toMatchObject({ code: "forbidden" });
    await expect(startRotation({ ctx: viewer, input: { appObjectId } })).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("the whole rotation", () => {
  test("add → write → verify → overlap → remove the old credential; the value never stored", async () => {
    const { cloud } = env;
    const { link, app, appObjectId } = await linkedApp(cloud, "tags");
    const oldSecret = cloud.control.secretValue(link.vault, link.secretName);
    expect(await tokenWorks(app.appId, oldSecret)).toBe(true);
    cloud.control.resetCounters();

    const r = await rotate(appObjectId);
    expect({ state: r.state, reason: r.heldReason }).toEqual({ state: "overlap", reason: null });
    expect(r.newKeyId).toBeTruthy();
    const newSecret = cloud.control.secretValue(link.vault, link.secretName);
    expect(newSecret).not.toBe(oldSecret);
    // the vault's new version: expiry = the credential's end, tags name the credential and the rotation
    const obj = cloud.control.object(link.vault, "secrets", link.secretName);
    const latest = obj.versions.at(-1)!;
    expect(latest.tags).toMatchObject({
      "cc-app-id": app.appId,
      "cc-credential-key-id": r.newKeyId,
      "cc-rotation-id": r.id,
    });
    expect(latest.exp! * 1000).toBe(r.newEndDateTime!.getTime());
    // both credentials work during the overlap; the verification was a real token request
    expect(await tokenWorks(app.appId, newSecret)).toBe(true);
    expect(await tokenWorks(app.appId, oldSecret)).toBe(true);
    expect(cloud.control.count("entra.token")).toBeGreaterThanOrEqual(1);
    expect(cloud.control.count("graph.applications.addPassword")).toBe(1);
    expect(markedCredentials(cloud, appObjectId, r.id).map((c) => c.keyId)).toEqual([r.newKeyId]);

    // nothing to do before the overlap ends
    await runDueRotations(systemCtx("rotation-worker"), FAST);
    expect((await rotationRow(r.id)).state).toBe("overlap");
    await endOverlap(r.id);
    await runDueRotations(systemCtx("rotation-worker"), FAST);
    expect((await rotationRow(r.id)).state).toBe("done");
    expect(await tokenWorks(app.appId, oldSecret)).toBe(false);
    expect(await tokenWorks(app.appId, newSecret)).toBe(true);

    const { steps } = await getRotation({ ctx: operator(), input: { rotationId: r.id } });
    expect(steps.every((s) => s.status === "succeeded")).toBe(true);
    expect(steps.map((s) => s.step).sort()).toEqual([
      "add_password",
      "overlap",
      "remove_old",
      "verify",
      "write_secret",
    ]);
    const db = await getDb();
    const actions = (await db.select({ a: auditLog.action }).from(auditLog).where(eq(auditLog.targetId, r.id))).map(
      (x) => x.a,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        "rotation.started",
        "rotation.step.add_password",
        "rotation.step.write_secret",
        "rotation.step.verify",
        "rotation.completed",
      ]),
    );

    // canary: the generated value is nowhere in the database (every table), the logs or the audit rows
    const text = (await allDatabaseText()).join("\n");
    expect(text).not.toContain(newSecret);
    expect(env.logs.join("")).not.toContain(newSecret);
    expect(text).not.toContain(oldSecret);
  });

  test("a second rotation of an app with one in progress is refused", async () => {
    const { appObjectId } = await linkedApp(env.cloud, "naming");
    await startRotation({ ctx: operator(), input: { appObjectId } });
    await expect(startRotation({ ctx: operator(), input: { appObjectId } })).rejects.toMatchObject({
      code: "conflict",
    });
    await runDueRotations(systemCtx("rotation-worker"), FAST);
    const db = await getDb();
    const rows = await db.select().from(rotationSteps);
    expect(rows.length).toBeGreaterThan(0);
  });
});

// SIGKILL of the standalone scheduler (a real child process) at each step of a rotation: during addPassword (Graph
// creates the credential after the kill: an orphan), during the Key Vault writes, during the verification and during
// removePassword — and at each step of a certificate rotation. The next scheduler resumes or cleans up once the lease
// lapses: the rotation completes, 0 orphan credentials, and at every point a credential the app has gets a token from
// the (local) authority.
import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDb, type Db } from "@/lib/db/client";
import { rotations } from "@/lib/db/schema";
import { planRotation, startRotation } from "@/lib/rotation";
import { markerOf } from "@/lib/rotation/traces";
import { updateSetting } from "@/lib/settings/store";
import { startCloud, type FaultRule, type LocalCloud } from "../../cloud";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { runScan, userCtx } from "../discovery/helpers";
import { sleep, waitFor } from "../scheduler/helpers";
import { childEnv, killGroup, spawnScheduler, type SchedulerChild } from "../scheduler/spawn";
import { grantCertificateRotation, grantWrite } from "./helpers";
import { verifyClientAssertion, verifyClientSecret } from "@/lib/cloud";

const LEASE_MS = 3_000;
let t: TestDb;
let cloud: LocalCloud;
const children: SchedulerChild[] = [];

async function inDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  try {
    return await fn(await getDb());
  } finally {
    if (t.kind === "pglite") await closeDb();
  }
}

beforeAll(async () => {
  t = await setupTestDb();
  cloud = await startCloud({ estate: "tiny", throttling: false });
  Object.assign(process.env, cloud.env);
  resetConfigForTests();
  await runScan({ mode: "full" });
  const admin = userCtx("CertifyClouds.Admin");
  await updateSetting({
    ctx: admin,
    input: { key: "scan.schedule", value: { enabled: false, cron: "0 */6 * * *", timezone: "UTC", mode: "delta" } },
  });
  // no overlap: the run goes on to removePassword, so a kill can land there too
  await updateSetting({
    ctx: admin,
    input: {
      key: "rotation.policy",
      value: { validityDays: 90, overlapHours: 0, namingPatterns: ["app-{appSlug}-client-secret"] },
    },
  });
  if (t.kind === "pglite") await closeDb();
}, 90_000);

afterEach(async () => {
  for (const c of children.splice(0)) {
    killGroup(c);
    await c.exited;
  }
  cloud.control.clearFaults();
});

afterAll(async () => {
  for (const c of children) killGroup(c);
  await sleep(200);
  await cloud?.stop();
  await t?.cleanup();
});

const start = () =>
  spawnScheduler(childEnv({ ...cloud.env, ROTATION_LEASE_MS: String(LEASE_MS) })).then((c) => (children.push(c), c));

/** The apps whose secret is linked by name in a vault the product may write to, one per kill point. */
function namedLinks() {
  const readable = new Set(
    cloud.control
      .vaults()
      .filter((v) => v.reachable && v.access === "full")
      .map((v) => v.name),
  );
  return cloud.control.appLinks().filter((l) => readable.has(l.vault));
}

/** The vault's current value gets a token: the app has a working credential. */
async function servedValueWorks(l: { vault: string; secretName: string; appId: string }) {
  return (await verifyClientSecret(l.appId, cloud.control.secretValue(l.vault, l.secretName))).ok;
}

/** A scheduler runs until the fault's request is in flight, then is SIGKILLed; the delayed request lands after. */
async function killDuring(fault: FaultRule) {
  const faultId = cloud.control.addFault(fault);
  const first = await start();
  await waitFor(() => cloud.control.faults().find((f) => f.id === faultId)!.seen > 0, 60_000, 10);
  await first.stop("SIGKILL");
  await sleep(1800); // let the delayed request land (nothing will hear of it)
}

/** The next scheduler takes the rotation over once the lease lapses and completes it. */
async function resumeToTheEnd(rotationId: string) {
  const next = await start();
  await next.waitForLog((l) => l.msg === "rotation completed" && l.rotationId === rotationId, 90_000);
  await next.stop("SIGTERM");
  return inDb(async (db) => (await db.select().from(rotations).where(eq(rotations.id, rotationId)))[0]);
}

/** The one request of `op` that is slow enough (1.5 s) for the scheduler to be killed while it is in flight. */
const slow = (service: FaultRule["service"], op: string): FaultRule => ({
  service,
  op,
  kind: "latency",
  delayMs: 1500,
  times: 1,
});

const KILL_POINTS: { name: string; fault: FaultRule }[] = [
  {
    name: "addPassword",
    fault: slow("graph", "graph.applications.addPassword"),
  },
  {
    name: "the vault writes",
    fault: slow("kv", "kv.secrets.set"),
  },
  { name: "verification", fault: slow("entra", "entra.token") },
  {
    name: "removePassword",
    fault: slow("graph", "graph.applications.removePassword"),
  },
];

describe("SIGKILL of the scheduler at each step of a rotation", () => {
  it.each(KILL_POINTS.map((k, i) => [k.name, i] as const))(
    "during %s: resumed, 0 orphans, always a working credential",
    async (_n, i) => {
      const link = namedLinks()[i % namedLinks().length];
      grantWrite(cloud, link.vault);
      const app = cloud.control.app(link.appId);
      const oldKeys = new Set(app.passwordCredentials.map((c) => c.keyId));
      const { rotationId } = await inDb(() =>
        startRotation({ ctx: userCtx("CertifyClouds.Operator"), input: { appObjectId: app.id } }),
      );
      await killDuring(KILL_POINTS[i].fault); // in addPassword, Graph creates a credential nobody will hear about
      expect(await servedValueWorks(link)).toBe(true);
      const marked = () =>
        cloud.control.app(app.id).passwordCredentials.filter((c) => c.displayName?.startsWith(markerOf(rotationId)));
      // killed in addPassword: Graph created the credential after the kill, and nothing recorded it — an orphan
      if (i === 0) expect(marked().length).toBe(1);

      const r = await resumeToTheEnd(rotationId);
      expect(r.state).toBe("done");
      const now = cloud.control.app(app.id).passwordCredentials;
      const mine = now.filter((c) => c.displayName?.startsWith(markerOf(rotationId)));
      expect(mine.map((c) => c.keyId)).toEqual([r.newKeyId]); // 0 orphans
      expect(now.some((c) => c.keyId === r.oldKeyId)).toBe(false);
      expect(now.filter((c) => !oldKeys.has(c.keyId)).length).toBe(1);
      expect(await servedValueWorks(link)).toBe(true);
    },
    180_000,
  );

  it("during the reference updates: resumed from verifying, the reference points at the new version, 0 orphans", async () => {
    // an app whose linked secret a versioned connection string reads (the tiny estate pins one per site)
    let found: { link: ReturnType<typeof namedLinks>[number]; appObjectId: string } | undefined;
    for (const link of namedLinks()) {
      const app = cloud.control.app(link.appId);
      const plan = await inDb(() =>
        planRotation({ ctx: userCtx("CertifyClouds.Operator"), input: { appObjectId: app.id } }),
      );
      if (!plan.blockers.length && plan.consumers.some((c) => c.versioned && c.settingKind === "connection_string")) {
        found = { link, appObjectId: app.id };
        break;
      }
    }
    expect(found, "a linked secret with a versioned connection string").toBeDefined();
    const { link, appObjectId } = found!;
    grantWrite(cloud, link.vault);
    const { rotationId } = await inDb(() =>
      startRotation({ ctx: userCtx("CertifyClouds.Operator"), input: { appObjectId, updateReferences: true } }),
    );
    // the PUT lands after the kill: nothing recorded it
    await killDuring(slow("arm", "arm.sites.connectionstrings.update"));
    expect(await servedValueWorks(link)).toBe(true);

    const r = await resumeToTheEnd(rotationId);
    expect(r.state).toBe("done");
    const mine = cloud.control
      .app(appObjectId)
      .passwordCredentials.filter((c) => c.displayName?.startsWith(markerOf(rotationId)));
    expect(mine.map((c) => c.keyId)).toEqual([r.newKeyId]);
    // the versioned reference names the version the vault serves now, and that value gets a token
    const version = cloud.control.object(link.vault, "secrets", link.secretName).versions.at(-1)!.version;
    const refs = Object.values(
      Object.fromEntries(
        cloud.estate.sites.map((site) => [site.name, cloud.control.siteConfig(site.name).connectionStrings]),
      ),
    ).flatMap((cs) => Object.values(cs));
    expect(refs.some((v) => v.includes(`/secrets/${link.secretName}/${version}`))).toBe(true);
    expect(await servedValueWorks(link)).toBe(true);
  }, 180_000);
});

const CERT_KILL_POINTS: { name: string; fault: FaultRule }[] = [
  {
    name: "the certificate creation",
    fault: slow("kv", "kv.certificates.create"),
  },
  {
    name: "addKey",
    fault: slow("graph", "graph.applications.addKey"),
  },
  { name: "verification", fault: slow("entra", "entra.token") },
  {
    name: "removeKey",
    fault: slow("graph", "graph.applications.removeKey"),
  },
];

/** The signer (key id + thumbprint) of a Key Vault certificate version, to ask the authority for a token with. */
function signerOf(vault: string, name: string, version: string) {
  const v = cloud.control.vault(vault);
  const der = Buffer.from(cloud.control.certificateCer(vault, name, version), "base64");
  return {
    kid: `${v.vaultUri}keys/${name}/${version}`,
    thumbprint: crypto.createHash("sha1").update(der).digest("hex").toUpperCase(),
  };
}

describe("SIGKILL of the scheduler at each step of a certificate rotation", () => {
  it.each(CERT_KILL_POINTS.map((k, i) => [k.name, i] as const))(
    "during %s: resumed, one new version, 0 orphan keys, the old certificate works until it is removed",
    async (_n, i) => {
      const vault = cloud.control.vaults().find((v) => v.reachable && v.access === "full")!.name;
      const app = cloud.control.apps()[i];
      const name = `kill-cert-${i}`;
      cloud.control.addCertificate(vault, name);
      const cred = cloud.control.addAppCertificate(app.id, vault, name);
      grantCertificateRotation(cloud, vault);
      await inDb(() => runScan({ mode: "full" }));
      const oldVersion = cloud.control.object(vault, "certificates", name).versions[0].version;
      const oldKeys = new Set(cloud.control.app(app.id).keyCredentials.map((k) => k.keyId));
      const { rotationId } = await inDb(() =>
        startRotation({ ctx: userCtx("CertifyClouds.Operator"), input: { appObjectId: app.id, keyId: cred.keyId } }),
      );
      await killDuring(CERT_KILL_POINTS[i].fault);
      const old = signerOf(vault, name, oldVersion);
      // until removeKey ran, the certificate the app had still gets a token
      if (i < 3) expect(await verifyClientAssertion(app.appId, old)).toEqual({ ok: true });

      const r = await resumeToTheEnd(rotationId);
      expect(r.state).toBe("done");
      const versions = cloud.control.object(vault, "certificates", name).versions;
      expect(versions).toHaveLength(2); // exactly one new version, even when the create landed after the kill
      const fresh = signerOf(vault, name, versions[1].version);
      const keys = cloud.control.app(app.id).keyCredentials;
      const added = keys.filter((k) => !oldKeys.has(k.keyId));
      expect(added.map((k) => k.customKeyIdentifier)).toEqual([fresh.thumbprint]); // 0 orphan keys
      expect(added[0].keyId).toBe(r.newKeyId);
      expect(keys.some((k) => k.keyId === cred.keyId)).toBe(false);
      expect(await verifyClientAssertion(app.appId, fresh)).toEqual({ ok: true });
      expect(await verifyClientAssertion(app.appId, old)).toMatchObject({ ok: false });
    },
    180_000,
  );
});

// Full and delta scans of the tiny estate with the real SDKs against the local cloud; the inventory is compared with the
// cloud's own state through its control API.
import { and, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getDb } from "@/lib/db/client";
import { appCredentials, appRegistrations, assets, auditLog, scanErrors, subscriptions, vaults } from "@/lib/db/schema";
import { scanDetail, scanHistory, scanProgress } from "@/lib/discovery";
import { CANARY_PREFIX } from "../../cloud";
import { getAsset } from "@/lib/inventory/get-asset";
import { listAssets } from "@/lib/inventory/list-assets";
import { allDatabaseText, runScan, setupDiscovery, userCtx, type Env } from "./helpers";

let env: Env;
beforeAll(async () => {
  env = await setupDiscovery({ estate: "tiny", pageSizes: { arm: 2, rg: 2, graph: 2 } });
});
afterAll(async () => {
  await env?.stop();
});

const KINDS = [
  ["secrets", "secret"],
  ["certificates", "certificate"],
  ["keys", "key"],
] as const;

describe("full scan of the tiny estate", () => {
  let scanId: string;
  test("completes with errors only for the blocked vaults, and inventories everything", async () => {
    const { cloud } = env;
    cloud.control.resetCounters();
    const run = await runScan({ mode: "full" });
    scanId = run.id;
    expect(run.status).toBe("completed_with_errors");
    expect(run.vaultsTotal).toBe(5);
    expect(run.vaultsDone).toBe(5);
    expect(run.vaultsFailed).toBe(2);
    expect(run.requestCount).toBeGreaterThan(50);
    expect(run.heartbeatAt).not.toBeNull();
    expect(run.finishedAt).not.toBeNull();

    const db = await getDb();
    const subs = await db.select().from(subscriptions);
    expect(subs.map((s) => s.id).sort()).toEqual(
      cloud.estate.subscriptions.map((s) => s.subscriptionId.toLowerCase()).sort(),
    );

    const vs = await db.select().from(vaults);
    const cv = cloud.control.vaults();
    expect(vs.map((v) => v.name).sort()).toEqual(cv.map((v) => v.name).sort());
    let objects = 0;
    for (const c of cv) {
      const row = vs.find((v) => v.name === c.name)!;
      expect(row.id).toBe(c.id.toLowerCase());
      expect(row.enableRbacAuthorization).toBe(c.rbac);
      expect(row.enableSoftDelete).toBe(c.softDelete);
      expect(row.enablePurgeProtection).toBe(c.purgeProtection);
      expect(row.diagnosticsEnabled).toBe(c.diagnostics);
      expect(row.lastScanId).toBe(run.id);
      const def = cloud.control.vault(c.name).def;
      expect(row.tags).toEqual(def.tags);
      if (c.reachable && c.access !== "none") {
        expect(row.accessStatus === "ok" || (row.accessStatus === "permission" && c.access === "metadata")).toBe(true);
        for (const [ck, t] of KINDS) {
          const names = cloud.control.objects(c.name, ck);
          const rows = await db
            .select()
            .from(assets)
            .where(and(eq(assets.vaultId, row.id), eq(assets.type, t)));
          expect(rows.map((r) => r.name).sort(), `${c.name} ${ck}`).toEqual(names);
          objects += names.length;
          for (const r of rows) {
            const o = cloud.control.object(c.name, ck, r.name);
            const cur = o.versions[o.versions.length - 1];
            expect(r.enabled).toBe(cur.enabled);
            expect(r.expiresOn?.getTime() ?? null).toBe(cur.exp ? cur.exp * 1000 : null);
            expect(r.notBefore?.getTime() ?? null).toBe(cur.nbf ? cur.nbf * 1000 : null);
            expect(r.tags).toEqual(cur.tags ?? {});
            if (t === "secret") expect(r.contentType ?? undefined).toBe(cur.contentType);
            if (c.access === "full") {
              expect(r.versionCount, `${c.name}/${r.name}`).toBe(o.versions.length);
              expect(r.currentVersion).toBe(cur.version);
              expect(r.detailFingerprint).not.toBeNull();
            }
            const expMs = cur.exp ? cur.exp * 1000 : null;
            if (expMs !== null && expMs <= Date.now()) expect(r.status).toBe("expired");
            if (expMs === null) expect(r.status).toBe("healthy");
            if (expMs !== null && expMs > Date.now() + 31 * 86400_000) expect(r.status).toBe("healthy");
          }
        }
        expect(row.objectCount).toBe(c.counts.secrets + c.counts.certificates + c.counts.keys);
      }
    }
    expect(run.objectsSeen).toBe(objects);
    // certificate detail: thumbprint, subject, policy; key detail: kty and rotation policy
    const full = cv.find((c) => c.access === "full" && c.reachable)!;
    const cert = (
      await db
        .select()
        .from(assets)
        .where(and(eq(assets.vaultId, full.id.toLowerCase()), eq(assets.type, "certificate")))
    )[0];
    expect(cert.detail).toMatchObject({
      subject: expect.stringContaining("CN="),
      policy: expect.objectContaining({ issuerName: expect.any(String) }),
    });
    expect((cert.detail as { thumbprint: string }).thumbprint).toMatch(/^[0-9a-f]{40}$/);
    const key = (
      await db
        .select()
        .from(assets)
        .where(and(eq(assets.vaultId, full.id.toLowerCase()), eq(assets.type, "key")))
    )[0];
    expect(key.detail).toMatchObject({
      kty: expect.stringMatching(/^(RSA|EC)/),
      rotationPolicy: expect.objectContaining({ configured: expect.any(Boolean) }),
    });
  });

  test("firewall and permission failures are classified with the right remediation", async () => {
    const { cloud } = env;
    const db = await getDb();
    const cv = cloud.control.vaults();
    const vs = await db.select().from(vaults);
    const blocked = cv.find((c) => c.firewall === "blocked")!;
    const fw = vs.find((v) => v.name === blocked.name)!;
    expect(fw.accessStatus).toBe("firewall");
    expect(fw.accessError?.code).toBe("ForbiddenByFirewall");
    expect(fw.accessError?.remediation).toMatch(/firewall/i);
    expect(fw.objectCount).toBe(0);

    const rbacNone = cv.find((c) => c.rbac && c.access === "none" && c.reachable)!;
    const r = vs.find((v) => v.name === rbacNone.name)!;
    expect(r.accessStatus).toBe("permission");
    expect(r.accessError?.remediation).toContain(`assign the 'Key Vault Reader' role`.replace(/^a/, "A"));
    expect(r.accessError?.remediation).toContain(rbacNone.name);

    const apMeta = cv.find((c) => !c.rbac && c.access === "metadata")!;
    const m = vs.find((v) => v.name === apMeta.name)!;
    expect(m.accessStatus).toBe("permission");
    expect(m.accessError?.remediation).toMatch(/access policy/i);
    expect(m.accessError?.remediation).toMatch(/Get permission on keys and certificates/);
    expect(m.objectCount).toBeGreaterThan(0);

    const { errors: errs } = await scanDetail({ ctx: userCtx("CertifyClouds.Viewer"), input: { id: scanId } });
    const scopes = new Set(errs.map((e) => e.scope));
    expect(scopes.has(fw.id)).toBe(true);
    expect(scopes.has(r.id)).toBe(true);
    expect(errs.find((e) => e.scope === fw.id)!.kind).toBe("firewall");
    expect(errs.every((e) => e.remediation.length > 20)).toBe(true);
    // unreadable vaults (objects not listed) and readable vaults with errors (details denied) are told apart
    const unreadable = await db.select().from(auditLog).where(eq(auditLog.action, "discovery.vault.unreadable"));
    expect(unreadable.map((a) => a.targetId).sort()).toEqual([fw.id, r.id].sort());
    const audits = await db.select().from(auditLog).where(eq(auditLog.action, "discovery.vault.error"));
    expect(audits.map((a) => a.targetId)).toEqual([m.id]);
    expect([fw.readable, r.readable, m.readable]).toEqual([false, false, true]);
    expect((await db.select().from(auditLog).where(eq(auditLog.action, "discovery.scan.completed"))).length).toBe(1);
    expect((await db.select().from(auditLog).where(eq(auditLog.action, "discovery.scan.started"))).length).toBe(1);
  });

  test("app registrations, service principals and their credentials with status", async () => {
    const { cloud } = env;
    const db = await getDb();
    const apps = cloud.control.apps();
    const rows = await db.select().from(appRegistrations).where(isNull(appRegistrations.removedAt));
    expect(
      rows
        .filter((r) => r.kind === "application")
        .map((r) => r.id)
        .sort(),
    ).toEqual(apps.map((a) => a.id).sort());
    expect(
      rows
        .filter((r) => r.kind === "servicePrincipal")
        .map((r) => r.id)
        .sort(),
    ).toEqual(apps.map((a) => a.spId).sort());
    const creds = await db.select().from(appCredentials);
    let expected = 0;
    for (const a of apps) {
      const full = cloud.control.app(a.id);
      expected +=
        full.passwordCredentials.length +
        full.keyCredentials.length +
        full.sp.passwordCredentials.length +
        full.sp.keyCredentials.length;
      for (const pc of a.passwordCredentials) {
        const row = creds.find((c) => c.appObjectId === a.id && c.keyId === pc.keyId)!;
        expect(row.type).toBe("password");
        expect(row.hint).toBe(pc.hint);
        expect(row.endDateTime?.toISOString() ?? null).toBe(
          pc.endDateTime ? new Date(pc.endDateTime).toISOString() : null,
        );
        if (pc.endDateTime && Date.parse(pc.endDateTime) <= Date.now()) expect(row.status).toBe("expired");
      }
      const app = rows.find((r) => r.id === a.id)!;
      expect(app.owners.length).toBe(full.ownerIds.length);
    }
    expect(creds.length).toBe(expected);
  });

  test("no secret value was read, and none reached the database, the audit log or the logs", async () => {
    const { cloud, logs } = env;
    expect(cloud.control.count("kv.secrets.get")).toBe(0);
    const text = await allDatabaseText();
    expect(text.length).toBeGreaterThan(50);
    const hits = text.filter((t) => t.includes(CANARY_PREFIX));
    expect(hits).toEqual([]);
    const values = cloud.control.allSecretValues();
    expect(values.length).toBeGreaterThan(10);
    const joined = text.join("\n") + logs.join("");
    for (const v of values) expect(joined.includes(v)).toBe(false);
    expect(logs.join("")).not.toContain(CANARY_PREFIX);
    expect(logs.join("")).toContain("scan finished");
  });
});

describe("delta scans", () => {
  test("after no change: delta makes no detail call, full re-reads only the policies, forced re-reads everything", async () => {
    const { cloud } = env;
    const db = await getDb();
    const DETAIL = [
      "kv.*.versions",
      "kv.certificates.get",
      "kv.certificates.policy.get",
      "kv.keys.get",
      "kv.keys.rotationpolicy.get",
    ];
    const detailCount = () => DETAIL.reduce((a, op) => a + cloud.control.count(op), 0);
    // vaults whose details are all readable (a metadata-only vault's denied details are retried by full scans)
    const readable = cloud.control
      .vaults()
      .filter((v) => v.access === "full" && v.reachable)
      .map((v) => v.name);
    const inVaults = (op: string) => readable.reduce((a, v) => a + cloud.control.count(op, v), 0);
    const snapshot = async () =>
      (await db.select().from(assets).where(isNull(assets.removedAt)))
        .map((a) =>
          JSON.stringify([a.vaultId, a.type, a.name, a.versionCount, a.currentVersion, a.detail, a.detailFingerprint]),
        )
        .sort();

    cloud.control.resetCounters();
    const forced = await runScan({ mode: "forced" });
    const forcedDetail = detailCount();
    expect(inVaults("kv.*.versions")).toBeGreaterThan(10);
    expect(inVaults("kv.certificates.get")).toBeGreaterThan(0);
    expect(inVaults("kv.keys.get")).toBeGreaterThan(0);
    const afterForced = await snapshot();

    cloud.control.resetCounters();
    const full = await runScan({ mode: "full" });
    // per-version facts (version count, X.509, key parameters) cannot change without a new version: not re-read
    expect(inVaults("kv.*.versions")).toBe(0);
    expect(inVaults("kv.certificates.get")).toBe(0);
    expect(inVaults("kv.keys.get")).toBe(0);
    // policies can change without a new version: re-read for every certificate and key
    const certs = readable.reduce((a, v) => a + cloud.control.objects(v, "certificates").length, 0);
    const keys = readable.reduce((a, v) => a + cloud.control.objects(v, "keys").length, 0);
    expect(inVaults("kv.certificates.policy.get")).toBe(certs);
    expect(inVaults("kv.keys.rotationpolicy.get")).toBe(keys);
    expect(full.stats.detailSkipped).toBeGreaterThan(30);
    expect(full.objectsSeen).toBe(forced.objectsSeen);
    expect(await snapshot()).toEqual(afterForced);

    cloud.control.resetCounters();
    const delta = await runScan({ mode: "delta" });
    // nothing changed → no detail call at all (permission-denied details are remembered, not retried by delta)
    expect(detailCount()).toBe(0);
    const meta = cloud.control.vaults().find((c) => !c.rbac && c.access === "metadata")!;
    const metaRow = (await db.select().from(vaults).where(eq(vaults.name, meta.name)))[0];
    expect(metaRow.accessStatus).toBe("permission");
    expect(metaRow.lastScanId).toBe(delta.id);
    expect(delta.objectsSeen).toBe(full.objectsSeen);
    expect(delta.requestCount).toBeLessThan(full.requestCount);
    expect(full.requestCount).toBeLessThan(forced.requestCount);
    expect(delta.stats.detailSkipped).toBeGreaterThan(30);
    expect(await snapshot()).toEqual(afterForced);

    cloud.control.resetCounters();
    await runScan({ mode: "forced" });
    expect(detailCount()).toBe(forcedDetail);
    expect(cloud.control.count("kv.secrets.get")).toBe(0);
  });

  test("a delta scan lists a vault's secrets, certificates and keys one after another (one connection per vault)", async () => {
    const { cloud } = env;
    const before = { ...cloud.control.getLatency() };
    // with latency each listing is a visible interval; listings in parallel would overlap
    cloud.control.setLatency({ fixedMs: 30, jitterMs: 0 });
    try {
      const started = Date.now();
      await runScan({ mode: "delta" });
      const lists = cloud.control
        .log({ service: "kv" })
        .filter((e) => e.time >= started && /^kv\.(secrets|certificates|keys)\.list$/.test(e.op) && e.vault);
      const byVault = new Map<string, { from: number; to: number }[]>();
      for (const e of lists)
        byVault.set(e.vault!, [...(byVault.get(e.vault!) ?? []), { from: e.time - e.ms, to: e.time }]);
      const listedAllKinds = [...byVault.values()].filter((xs) => xs.length >= 3);
      expect(listedAllKinds.length).toBeGreaterThanOrEqual(3);
      for (const xs of listedAllKinds) {
        xs.sort((a, b) => a.from - b.from);
        // each listing starts after the previous one ended (1 ms of clock granularity)
        for (let i = 1; i < xs.length; i++) expect(xs[i].from).toBeGreaterThanOrEqual(xs[i - 1].to - 1);
      }
    } finally {
      cloud.control.setLatency(before);
    }
  });

  test("a vault's calls use as many connections as its work needs: one for a small vault, more for a big one", async () => {
    const { cloud } = env;
    const before = { ...cloud.control.getLatency() };
    const big = cloud.control.vaults().find((c) => c.access === "full" && c.reachable && c.rbac)!;
    const added = Array.from({ length: 40 }, (_, i) => `conn-test-${i}`);
    for (const name of added) cloud.control.setSecret(big.name, name, `${CANARY_PREFIX}conn-${name}`);
    cloud.control.setLatency({ fixedMs: 30, jitterMs: 0 });
    /**
     * The most Key Vault requests of each vault that were in flight at one time (each needs its own connection). The
     * log's times are whole milliseconds and its durations come from another clock, so a request is taken to end 5 ms
     * early: calls one after another then never overlap, and calls in flight together (30 ms each) still do.
     */
    const requestsOf = (vault: string, since: number) =>
      cloud.control
        .log({ service: "kv", vault })
        .filter((e) => e.time >= since)
        .map((e) => [e.op, Math.round(e.time - e.ms), e.time, e.status]);
    const mostInFlight = (since: number) => {
      const byVault = new Map<string, [number, number][]>();
      for (const e of cloud.control.log({ service: "kv" }))
        if (e.vault && e.time >= since) byVault.set(e.vault, [...(byVault.get(e.vault) ?? []), [e.time - e.ms, +1]]);
      for (const e of cloud.control.log({ service: "kv" }))
        if (e.vault && e.time >= since) byVault.get(e.vault)!.push([e.time - 5, -1]);
      const out = new Map<string, number>();
      for (const [vault, edges] of byVault) {
        // an end sorts before a start at the same millisecond: back-to-back calls on one connection do not overlap
        edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        let n = 0;
        let most = 0;
        for (const [, d] of edges) most = Math.max(most, (n += d));
        out.set(vault, most);
      }
      return out;
    };
    try {
      // a forced scan reads every object: the big vault has 48 secrets (48 version listings) and more
      let started = Date.now();
      await runScan({ mode: "forced" });
      let most = mostInFlight(started);
      expect(most.get(big.name)).toBeGreaterThanOrEqual(2);
      expect(most.get(big.name)).toBeLessThanOrEqual(4); // the per-vault limit
      const small = [...most.entries()].filter(([name]) => name !== big.name);
      expect(small.length).toBeGreaterThanOrEqual(2);
      // 8 secrets, 2 certificates and 2 keys: 18 detail calls and the listings, all on one connection
      for (const [name, n] of small) expect(n, `${name}: ${JSON.stringify(requestsOf(name, started))}`).toBe(1);
      // a full scan of the unchanged estate re-reads policies only: one connection for every vault
      started = Date.now();
      await runScan({ mode: "full" });
      most = mostInFlight(started);
      expect(most.get(big.name)).toBe(1);
    } finally {
      cloud.control.setLatency(before);
      for (const name of added) cloud.control.deleteSecret(big.name, name, { purge: true });
      await runScan({ mode: "forced" });
    }
  });

  test("a new version is picked up by a full scan: its versions are listed again and counted", async () => {
    const { cloud } = env;
    const db = await getDb();
    const v = cloud.control.vaults().find((c) => c.access === "full" && c.reachable)!;
    const name = cloud.control.objects(v.name, "secrets")[1];
    const row = async () =>
      (
        await db
          .select()
          .from(assets)
          .where(and(eq(assets.vaultId, v.id.toLowerCase()), eq(assets.name, name), eq(assets.type, "secret")))
      )[0];
    await runScan({ mode: "full" });
    const before = await row();
    expect(before.versionCount).toBeGreaterThan(0);
    // a second later, so the new version's updated time differs from the old one's (Key Vault times are in seconds)
    await new Promise((r) => setTimeout(r, 1100));
    cloud.control.setSecret(v.name, name, "CCCANARY-new-version-value");
    cloud.control.resetCounters();
    await runScan({ mode: "full" });
    expect(cloud.control.count("kv.secrets.versions", v.name)).toBe(1);
    const after = await row();
    expect(after.versionCount).toBe(before.versionCount! + 1);
    expect(after.updatedOn!.getTime()).toBeGreaterThan(before.updatedOn!.getTime());
    expect(cloud.control.count("kv.secrets.get")).toBe(0);
  });

  test("an unchanged vault's objects are not rewritten; last seen follows the vault's listing; a removed object keeps when it was last seen", async () => {
    const { cloud } = env;
    const db = await getDb();
    const viewer = userCtx("CertifyClouds.Viewer");
    const v = cloud.control.vaults().find((c) => c.access === "full" && c.reachable)!;
    const vaultId = v.id.toLowerCase();
    const [name, gone] = cloud.control.objects(v.name, "secrets").slice(2, 4);
    const row = async (n: string) =>
      (
        await db
          .select()
          .from(assets)
          .where(and(eq(assets.vaultId, vaultId), eq(assets.name, n), eq(assets.type, "secret")))
      )[0];
    const xmin = async (id: string) =>
      (
        (await db.execute(sql`select xmin::text as x from assets where id = ${id}`)) as unknown as {
          rows: { x: string }[];
        }
      ).rows[0];
    const listedAt = async () =>
      (await db.select({ t: vaults.listedAt }).from(vaults).where(eq(vaults.id, vaultId)))[0].t!;

    await runScan({ mode: "delta" });
    const before = await row(name);
    const tx0 = await xmin(before.id);
    const l1 = await listedAt();
    await new Promise((r) => setTimeout(r, 20));
    await runScan({ mode: "delta" });
    const l2 = await listedAt();
    expect(l2.getTime()).toBeGreaterThan(l1.getTime());
    // not rewritten: same row version, same stored last_seen_at …
    expect(await xmin(before.id)).toEqual(tx0);
    expect((await row(name)).lastSeenAt.getTime()).toBe(before.lastSeenAt.getTime());
    // … but shown as seen by the latest listing, on the object page and in the inventory
    expect((await getAsset({ ctx: viewer, input: { id: before.id } })).asset.lastSeenAt.getTime()).toBe(l2.getTime());
    const listed = await listAssets({ ctx: viewer, input: { vault: vaultId, q: name, type: "secret" } });
    expect(listed.rows.find((r) => r.id === before.id)!.lastSeenAt.getTime()).toBe(l2.getTime());

    // removed in Azure: marked removed, last seen = the previous listing (not the scan that missed it)
    cloud.control.deleteSecret(v.name, gone);
    await runScan({ mode: "delta" });
    const removed = await row(gone);
    expect(removed.removedAt).not.toBeNull();
    expect(removed.lastSeenAt.getTime()).toBe(l2.getTime());
    expect((await getAsset({ ctx: viewer, input: { id: removed.id } })).asset.lastSeenAt.getTime()).toBe(l2.getTime());
    expect((await listedAt()).getTime()).toBeGreaterThan(l2.getTime());
  });

  test("mutations are reflected: expired certificate, deleted secret, new vault, firewall change", async () => {
    const { cloud } = env;
    const db = await getDb();
    const cv = cloud.control.vaults();
    const full = cv.find((c) => c.access === "full" && c.reachable && c.rbac)!;
    const certName = cloud.control.objects(full.name, "certificates")[0];
    const secretName = cloud.control.objects(full.name, "secrets")[0];
    const before = (
      await db
        .select()
        .from(assets)
        .where(and(eq(assets.vaultId, full.id.toLowerCase()), eq(assets.name, secretName), eq(assets.type, "secret")))
    )[0];
    cloud.control.expireCertificate(full.name, certName);
    cloud.control.deleteSecret(full.name, secretName);
    cloud.control.addVault({
      name: "kv-newly-added-weu",
      subscriptionId: cloud.estate.subscriptions[0].subscriptionId,
      rbac: true,
      access: "full",
      seeded: true,
    });
    const other = cv.find((c) => c.access === "full" && c.reachable && c.name !== full.name)!;
    const otherAssetsBefore = await db
      .select()
      .from(assets)
      .where(and(eq(assets.vaultId, other.id.toLowerCase()), isNull(assets.removedAt)));
    cloud.control.setNetworkRules(other.name, { firewall: "blocked" });

    const run = await runScan({ mode: "delta" });
    expect(run.status).toBe("completed_with_errors");
    const cert = (
      await db
        .select()
        .from(assets)
        .where(
          and(eq(assets.vaultId, full.id.toLowerCase()), eq(assets.name, certName), eq(assets.type, "certificate")),
        )
    )[0];
    expect(cert.status).toBe("expired");
    expect(cert.expiresOn!.getTime()).toBeLessThan(Date.now());
    const gone = (
      await db
        .select()
        .from(assets)
        .where(and(eq(assets.vaultId, full.id.toLowerCase()), eq(assets.name, secretName), eq(assets.type, "secret")))
    )[0];
    expect(gone.removedAt).not.toBeNull();
    expect(gone.firstSeenAt.getTime()).toBe(before.firstSeenAt.getTime());
    const added = (await db.select().from(vaults).where(eq(vaults.name, "kv-newly-added-weu")))[0];
    expect(added.accessStatus).toBe("ok");
    expect(added.objectCount).toBeGreaterThan(0);
    const blocked = (await db.select().from(vaults).where(eq(vaults.name, other.name)))[0];
    expect(blocked.accessStatus).toBe("firewall");
    expect(blocked.lastScanId).toBe(run.id);
    // the blocked vault keeps its previous inventory (not marked removed)
    const otherAssetsAfter = await db
      .select()
      .from(assets)
      .where(and(eq(assets.vaultId, other.id.toLowerCase()), isNull(assets.removedAt)));
    expect(otherAssetsAfter.length).toBe(otherAssetsBefore.length);

    // a vault removed from Azure is marked removed with its objects, not deleted
    // (not awaited: closing the vault's listener waits for idle keep-alive sockets; the vault is gone at once)
    const closing = cloud.control.removeVault("kv-newly-added-weu");
    await runScan({ mode: "delta" });
    void closing;
    const removed = (await db.select().from(vaults).where(eq(vaults.name, "kv-newly-added-weu")))[0];
    expect(removed.removedAt).not.toBeNull();
    const removedAssets = await db.select().from(assets).where(eq(assets.vaultId, removed.id));
    expect(removedAssets.length).toBeGreaterThan(0);
    expect(removedAssets.every((a) => a.removedAt !== null)).toBe(true);
    expect(cloud.control.count("kv.secrets.get")).toBe(0);
  });

  test("Resource Graph failing → ARM vaults.listBySubscription fallback lists the same vaults", async () => {
    const { cloud } = env;
    const db = await getDb();
    const id = cloud.control.addFault({ service: "rg", kind: "status", status: 403, code: "AuthorizationFailed" });
    cloud.control.resetCounters();
    const run = await runScan({ mode: "delta" });
    cloud.control.removeFault(id);
    expect(run.stats.vaultListSource).toBe("arm");
    expect(cloud.control.count("rg.resources")).toBe(1);
    expect(cloud.control.count("arm.vaults.list")).toBeGreaterThanOrEqual(cloud.estate.subscriptions.length);
    expect(run.vaultsTotal).toBe(cloud.control.vaults().length);
    const live = await db.select().from(vaults).where(isNull(vaults.removedAt));
    expect(live.map((v) => v.name).sort()).toEqual(
      cloud.control
        .vaults()
        .map((v) => v.name)
        .sort(),
    );
  });

  test("scope: chosen vaults only; history lists every run", async () => {
    const { cloud } = env;
    const db = await getDb();
    const target = cloud.control.vaults().find((c) => c.access === "full" && c.reachable)!;
    cloud.control.resetCounters();
    const run = await runScan({ mode: "full", scope: "vaults", vaults: [target.name] });
    expect(run.vaultsTotal).toBe(1);
    expect(cloud.control.counters().byVault).toHaveProperty(target.name);
    expect(Object.keys(cloud.control.counters().byVault)).toEqual([target.name]);
    expect(cloud.control.count("graph.*")).toBe(0);
    const viewer = userCtx("CertifyClouds.Viewer");
    const hist = (await scanHistory({ ctx: viewer, input: { pageSize: 100 } })).rows;
    expect(hist.length).toBeGreaterThanOrEqual(6);
    expect(hist[0].id).toBe(run.id);
    expect((await scanProgress({ ctx: viewer, input: { id: run.id } })).status).toBe("completed");
    expect(await db.select().from(scanErrors).where(eq(scanErrors.scanId, run.id))).toEqual([]);
  });
});

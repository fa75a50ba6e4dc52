// Discovery fidelity (issue 9, items 5–7 and 9): a malformed principal, vault or object is skipped and recorded while
// its neighbours are written; posture the payload does not carry stays unknown; a database failure is internal, with a
// safe stored message and its cause in the log; and "unreadable" means one thing for the scan, the dashboard, the
// vault list and the audit log. Real SDKs against the local cloud, which serves the malformed items.
import { and, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getDb } from "@/lib/db/client";
import { appRegistrations, assets, auditLog, scanErrors, vaults, type Vault } from "@/lib/db/schema";
import { dashboardSummary } from "@/lib/inventory/dashboard-summary";
import { listVaults } from "@/lib/inventory/vaults";
import { runScan, setupDiscovery, userCtx, type Env } from "./helpers";

let env: Env;
const viewer = userCtx("CertifyClouds.Viewer");
const vaultRow = async (name: string): Promise<Vault> => {
  const db = await getDb();
  return (await db.select().from(vaults).where(eq(vaults.name, name)))[0];
};

/** The scan counts, the dashboard, the vault list and the audit log name the same unreadable vaults. */
async function unreadableEverywhere(scanId: string, vaultsFailed: number) {
  const db = await getDb();
  const summary = await dashboardSummary({ ctx: viewer });
  const listed = await listVaults({ ctx: viewer, input: { access: "unreadable" } });
  const audited = await db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, "discovery.vault.unreadable"), sql`${auditLog.details}->>'scanId' = ${scanId}`));
  expect(summary.vaults.unreachable).toBe(vaultsFailed);
  expect(listed.total).toBe(vaultsFailed);
  expect(audited.map((a) => a.targetId).sort()).toEqual(listed.rows.map((v) => v.id).sort());
  const bySubscription = summary.bySubscription.reduce((n, s) => n + s.unreachable, 0);
  expect(bySubscription).toBe(vaultsFailed);
  return listed.rows;
}

beforeAll(async () => {
  env = await setupDiscovery({ estate: "tiny" });
});
afterAll(async () => {
  await env?.stop();
});

describe("one scan with malformed items and posture the payload does not carry", () => {
  let scanId: string;
  let run: Awaited<ReturnType<typeof runScan>>;
  const names: string[] = [];

  beforeAll(async () => {
    const { control } = env.cloud;
    const cv = control.vaults();
    names.push(...cv.map((v) => v.name));
    const [v0, v1] = cv;
    // an old vault: ARM leaves enableSoftDelete (and the deployment flag) out; one whose permission model is not said
    control.setVaultProperties(v0.name, { enableSoftDelete: undefined } as never);
    Object.assign(control.vault(v0.name).def, { enabledForDeployment: undefined });
    control.setVaultProperties(v1.name, { enableRbacAuthorization: undefined } as never);
    control.injectListItem("graph.applications.list", {
      appId: "6f1e0c2a-0000-4000-8000-000000000001",
      displayName: "no id",
    });
    control.injectListItem("graph.servicePrincipals.list", {
      id: "0d9c1b7e-0000-4000-8000-000000000002",
      appId: "6f1e0c2a-0000-4000-8000-000000000002",
      displayName: "bad credential date",
      passwordCredentials: [{ keyId: "k1", endDateTime: "next tuesday" }],
    });
    control.injectListItem("rg.resources", {
      id: `/subscriptions/${v0.subscriptionId}/resourceGroups/rg-x/providers/Microsoft.KeyVault/vaults`,
      name: "",
      properties: {},
    });
    control.injectListItem(
      "kv.secrets.list",
      { id: `${v0.vaultUri.replace(/\/$/, "")}/secrets/bad-exp`, attributes: { enabled: true, exp: "never" } },
      v0.name,
    );
    control.resetCounters();
    run = await runScan({ mode: "full" });
    scanId = run.id;
    control.clearFaults();
  });

  test("every well-formed principal is written; the malformed ones are recorded, and no URL is built from undefined", async () => {
    const db = await getDb();
    const live = await db.select().from(appRegistrations).where(isNull(appRegistrations.removedAt));
    const apps = env.cloud.control.apps();
    expect(
      live
        .filter((r) => r.kind === "application")
        .map((r) => r.id)
        .sort(),
    ).toEqual(apps.map((a) => a.id).sort());
    expect(live.filter((r) => r.kind === "servicePrincipal")).toHaveLength(apps.length);
    expect(live.some((r) => r.displayName === "bad credential date")).toBe(false);
    const bad = await db
      .select()
      .from(scanErrors)
      .where(and(eq(scanErrors.scanId, scanId), eq(scanErrors.kind, "malformed")));
    expect(bad.filter((e) => e.scope === "graph")).toHaveLength(2);
    expect(bad.find((e) => e.message.includes("0d9c1b7e-0000-4000-8000-000000000002"))?.message).toMatch(/endDateTime/);
    expect(bad.filter((e) => e.scope === "vaults")).toHaveLength(1);
    expect(
      env.cloud.control.log({ limit: 5000, service: "graph" }).filter((e) => e.path.includes("undefined")),
    ).toEqual([]);
    expect(run.status).toBe("completed_with_errors");
  });

  test("a malformed object is skipped; the vault stays readable with every other object", async () => {
    const db = await getDb();
    const v0 = await vaultRow(names[0]);
    expect(v0.readable).toBe(true);
    expect(v0.accessStatus).toBe("ok");
    const secrets = await db
      .select({ name: assets.name })
      .from(assets)
      .where(and(eq(assets.vaultId, v0.id), eq(assets.type, "secret"), isNull(assets.removedAt)));
    expect(secrets.map((s) => s.name).sort()).toEqual(env.cloud.control.objects(names[0], "secrets").sort());
    const [err] = await db
      .select()
      .from(scanErrors)
      .where(and(eq(scanErrors.scanId, scanId), eq(scanErrors.scope, v0.id), eq(scanErrors.kind, "malformed")));
    expect(err.message).toMatch(/bad-exp.*expiresOn/);
    expect(err.remediation).toMatch(/skipped/);
  });

  test("posture the payload lacks is unknown (null), never assumed; the compliance facts are kept", async () => {
    const { control } = env.cloud;
    const [v0, v1] = [await vaultRow(names[0]), await vaultRow(names[1])];
    expect(v0.enableSoftDelete).toBeNull();
    expect(v0.enabledForDeployment).toBeNull();
    expect(v1.enableRbacAuthorization).toBeNull();
    for (const name of names.slice(1)) {
      const def = control.vault(name).def;
      const row = await vaultRow(name);
      expect(row.enableSoftDelete).toBe(def.enableSoftDelete);
      expect(row.enabledForDeployment).toBe(def.enabledForDeployment);
      expect(row.enabledForDiskEncryption).toBe(def.enabledForDiskEncryption);
      expect(row.enabledForTemplateDeployment).toBe(def.enabledForTemplateDeployment);
      expect(row.networkBypass).toBe(def.networkAcls?.bypass ?? null);
      expect(row.privateEndpoints).toEqual(
        def.privateEndpointConnections.map((p) => ({ name: p.id.split("/").pop(), status: p.status })),
      );
      expect(row.accessPolicies?.map((p) => p.objectId)).toEqual(def.accessPolicies.map((p) => p.objectId));
      expect(row.accessPolicies?.map((p) => p.secrets)).toEqual(
        def.accessPolicies.map((p) => [...new Set((p.permissions.secrets ?? []).map((x) => x.toLowerCase()))].sort()),
      );
    }
  });

  test("unreadable: one definition for the scan, the dashboard, the vault list and the audit log", async () => {
    const rows = await unreadableEverywhere(scanId, run.vaultsFailed);
    expect(run.vaultsFailed).toBe(2);
    // the access-policy vault with List only: its objects were read, details denied — an error, not unreadable
    const metadataOnly = env.cloud.control.vaults().find((c) => !c.rbac && c.access === "metadata")!;
    const m = await vaultRow(metadataOnly.name);
    expect(m.accessStatus).toBe("permission");
    expect(m.readable).toBe(true);
    expect(rows.map((r) => r.name)).not.toContain(m.name);
  });

  test("a vault that becomes unreadable keeps its last known count, and the pages still agree", async () => {
    const before = await vaultRow(names[0]);
    expect(before.objectCount).toBeGreaterThan(0);
    env.cloud.control.setNetworkRules(names[0], { firewall: "blocked" });
    const again = await runScan({ mode: "delta" });
    const after = await vaultRow(names[0]);
    expect(after.readable).toBe(false);
    expect(after.accessStatus).toBe("firewall");
    expect(after.objectCount).toBe(before.objectCount);
    expect(after.listedAt).toEqual(before.listedAt);
    expect(again.vaultsFailed).toBe(3);
    await unreadableEverywhere(again.id, 3);
    env.cloud.control.setNetworkRules(names[0], { firewall: "open" });
  });
});

describe("a database failure during a scan", () => {
  const REFUSAL = "refused by a test trigger";
  beforeAll(async () => {
    const db = await getDb();
    await db.execute(
      sql.raw(
        `create function test_refuse() returns trigger language plpgsql as $$ begin raise exception '${REFUSAL}'; end $$`,
      ),
    );
    for (const t of ["app_registrations", "vaults"])
      await db.execute(
        sql.raw(`create trigger test_refuse_${t} before insert on ${t} for each row execute function test_refuse()`),
      );
  });
  afterAll(async () => {
    const db = await getDb();
    for (const t of ["app_registrations", "vaults"]) await db.execute(sql.raw(`drop trigger test_refuse_${t} on ${t}`));
    await db.execute(sql.raw("drop function test_refuse()"));
  });

  test("is internal: a safe stored message (no SQL, no values), the cause chain in the log, the vaults unreadable", async () => {
    const logStart = env.logs.length;
    const run = await runScan({ mode: "full" });
    const db = await getDb();
    const errors = await db.select().from(scanErrors).where(eq(scanErrors.scanId, run.id));
    const internal = errors.filter((e) => e.kind === "internal");
    expect(internal.map((e) => e.scope).sort()).toEqual(
      ["graph", ...(await db.select({ id: vaults.id }).from(vaults)).map((v) => v.id)].sort(),
    );
    const appNames = env.cloud.control.apps().map((a) => a.displayName);
    for (const e of internal) {
      expect(e.message).toMatch(/^internal error: .* failed \(P0001\); the cause is in the server log$/);
      expect(e.message).not.toMatch(/insert|select|params|app_registrations|refused/i);
      for (const n of appNames) expect(e.message).not.toContain(n);
      expect(e.remediation).toMatch(/not an Azure permission or network problem/);
    }
    const logged = env.logs.slice(logStart).join("\n");
    expect(logged).toContain("internal error during a scan");
    expect(logged).toContain(REFUSAL);
    expect(logged).toContain(run.id);
    for (const n of appNames) expect(logged).not.toContain(`"${n}"`);
    // every vault counted failed by the scan is unreadable on every page
    expect(run.vaultsFailed).toBe(run.vaultsTotal);
    await unreadableEverywhere(run.id, run.vaultsTotal);
  });
});

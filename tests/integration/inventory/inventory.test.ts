import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, type Db } from "@/lib/db/client";
import { assets, scanRuns } from "@/lib/db/schema";
import { listApps, getApp } from "@/lib/inventory/apps";
import { csvCell } from "@/lib/csv";
import { eq } from "drizzle-orm";
import { clearInventoryCache } from "@/lib/inventory/cache";
import { cachedDashboardSummary, dashboardSummary } from "@/lib/inventory/dashboard-summary";
import { CSV_HEADER, exportAssetsCsv } from "@/lib/inventory/export-assets";
import { getAsset } from "@/lib/inventory/get-asset";
import { vaultIdFromSlug, vaultSlug } from "@/lib/inventory/ids";
import { listAssets } from "@/lib/inventory/list-assets";
import { getVault, listVaults } from "@/lib/inventory/vaults";
import { setupTestDb, type TestDb } from "../../helpers/test-db";
import { anonCtx, DAY, noRoleCtx, NOW, seedInventory, SUB_DEV, SUB_PROD, V_DEV, V_PAY, V_WEB, viewerCtx } from "./seed";

let t: TestDb;
let db: Db;
let scanId: string;
beforeAll(async () => {
  t = await setupTestDb();
  db = await getDb();
  ({ scanId } = await seedInventory(db));
});
afterAll(async () => t.cleanup());

const names = (rows: { name: string }[]) => rows.map((r) => r.name);

async function csv(input: unknown, batchRows?: number): Promise<string> {
  let out = "";
  for await (const chunk of exportAssetsCsv({ ctx: viewerCtx, input, now: NOW, batchRows })) out += chunk;
  return out;
}

describe("listAssets", () => {
  it("hides removed objects by default and sorts by soonest expiry, no-expiry last", async () => {
    const { rows, total } = await listAssets({ ctx: viewerCtx, input: {} });
    expect(total).toBe(12);
    expect(rows[0].name).toBe("db-password");
    expect(names(rows)).not.toContain("gone-secret");
    const noExp = rows.filter((r) => r.expiresOn === null).map((r) => rows.indexOf(r));
    expect(Math.min(...noExp)).toBeGreaterThan(rows.findLastIndex((r) => r.expiresOn !== null));
    expect(rows[0]).toMatchObject({ vaultName: "kv-payments", subscriptionName: "Contoso Production" });
  });

  it("shows removed objects with the toggle", async () => {
    const { rows, total } = await listAssets({ ctx: viewerCtx, input: { removed: "1" } });
    expect(total).toBe(13);
    expect(names(rows)).toContain("gone-secret");
  });

  it("filters by type, status, subscription, vault, tag and name", async () => {
    expect((await listAssets({ ctx: viewerCtx, input: { type: "certificate" } })).total).toBe(2);
    expect(names((await listAssets({ ctx: viewerCtx, input: { status: "expired" } })).rows)).toEqual(["db-password"]);
    expect(names((await listAssets({ ctx: viewerCtx, input: { status: "critical", sort: "name" } })).rows)).toEqual([
      "+cmd|calc",
      "api-key",
    ]);
    expect(names((await listAssets({ ctx: viewerCtx, input: { status: "no-expiry", sort: "name" } })).rows)).toEqual([
      "@at",
      "no-expiry-secret",
      "signing",
    ]);
    expect(names((await listAssets({ ctx: viewerCtx, input: { status: "disabled" } })).rows)).toEqual(["disabled-one"]);
    // healthy excludes no-expiry objects (they have their own bucket)
    expect(names((await listAssets({ ctx: viewerCtx, input: { status: "healthy", sort: "name" } })).rows)).toEqual([
      "-minus",
      "cmk",
      "disabled-one",
      "web-tls",
    ]);
    expect((await listAssets({ ctx: viewerCtx, input: { subscription: SUB_DEV } })).total).toBe(3);
    expect((await listAssets({ ctx: viewerCtx, input: { subscription: SUB_DEV.toUpperCase() } })).total).toBe(3);
    expect((await listAssets({ ctx: viewerCtx, input: { vault: V_WEB } })).total).toBe(4);
    expect(names((await listAssets({ ctx: viewerCtx, input: { tag: "env=prod", sort: "name" } })).rows)).toEqual([
      "api-key",
      "tls-payments",
    ]);
    expect((await listAssets({ ctx: viewerCtx, input: { tag: "env" } })).total).toBe(3);
    expect(names((await listAssets({ ctx: viewerCtx, input: { q: "TLS", sort: "name" } })).rows)).toEqual([
      "tls-payments",
      "web-tls",
    ]);
    // LIKE wildcards in the search text are literal
    expect((await listAssets({ ctx: viewerCtx, input: { q: "%" } })).total).toBe(0);
    expect(
      (await listAssets({ ctx: viewerCtx, input: { type: "secret", status: "critical", subscription: SUB_PROD } }))
        .total,
    ).toBe(1);
  });

  it("treats blank form fields as no filter", async () => {
    expect(
      (
        await listAssets({
          ctx: viewerCtx,
          input: { type: "", status: "", q: "", tag: "", vault: "", subscription: "" },
        })
      ).total,
    ).toBe(12);
  });

  it("sorts by name, updated and vault in both directions", async () => {
    const byName = names((await listAssets({ ctx: viewerCtx, input: { sort: "name" } })).rows);
    expect(byName).toEqual([...byName].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(names((await listAssets({ ctx: viewerCtx, input: { sort: "name", dir: "desc" } })).rows)).toEqual(
      [...byName].reverse(),
    );
    expect((await listAssets({ ctx: viewerCtx, input: { sort: "updated" } })).rows[0].name).toBe("web-tls");
    // Vault sort groups by vault (ARM id: subscription, resource group, name), then type and name.
    const byVault = (await listAssets({ ctx: viewerCtx, input: { sort: "vault" } })).rows.map(
      (r) => `${r.vaultId}|${r.type}|${r.name}`,
    );
    expect(byVault).toEqual([...byVault].sort());
    expect(byVault[0].startsWith(V_PAY)).toBe(true);
    expect(byVault.at(-1)!.startsWith(V_DEV)).toBe(true);
  });

  it("paginates with a stable order and a total", async () => {
    const p1 = await listAssets({ ctx: viewerCtx, input: { sort: "name", pageSize: 10, page: 1 } });
    const p2 = await listAssets({ ctx: viewerCtx, input: { sort: "name", pageSize: 10, page: 2 } });
    expect(p1.rows).toHaveLength(10);
    expect(p2.rows).toHaveLength(2);
    expect(p1.total).toBe(12);
    expect(new Set([...names(p1.rows), ...names(p2.rows)]).size).toBe(12);
  });

  it("rejects invalid input", async () => {
    await expect(listAssets({ ctx: viewerCtx, input: { type: "password" } })).rejects.toThrow();
    await expect(listAssets({ ctx: viewerCtx, input: { sort: "drop table" } })).rejects.toThrow();
    await expect(listAssets({ ctx: viewerCtx, input: { pageSize: 100000 } })).rejects.toThrow();
  });
});

describe("permissions", () => {
  it.each([
    ["anonymous", anonCtx, "unauthenticated"],
    ["no role", noRoleCtx, "forbidden"],
  ] as const)("%s is rejected by every read service", async (_n, ctx, code) => {
    const calls: (() => Promise<unknown>)[] = [
      () => listAssets({ ctx, input: {} }),
      () => dashboardSummary({ ctx, input: {}, now: NOW }),
      () => listVaults({ ctx, input: {} }),
      () => getVault({ ctx, input: { id: V_PAY } }),
      () => listApps({ ctx, input: {} }),
      () => getApp({ ctx, input: { id: "app-obj-1" } }),
      async () => {
        for await (const _ of exportAssetsCsv({ ctx, input: {} })) void _;
      },
    ];
    for (const c of calls) await expect(c()).rejects.toMatchObject({ code });
  });
});

describe("dashboardSummary", () => {
  it("counts by type and status, excluding removed objects", async () => {
    const d = await dashboardSummary({ ctx: viewerCtx, input: {}, now: NOW });
    expect(d.kpis.secret).toEqual({
      total: 8,
      expired: 1,
      critical: 2,
      warning: 1,
      healthy: 2,
      noExpiry: 2,
      disabled: 1,
    });
    expect(d.kpis.certificate).toEqual({
      total: 2,
      expired: 0,
      critical: 0,
      warning: 1,
      healthy: 1,
      noExpiry: 0,
      disabled: 0,
    });
    expect(d.kpis.key).toEqual({ total: 2, expired: 0, critical: 0, warning: 0, healthy: 1, noExpiry: 1, disabled: 0 });
    expect(d.kpis.credential).toMatchObject({ total: 3, expired: 1, warning: 1, healthy: 1 });
    expect(d.hasInventory).toBe(true);
  });

  it("summarises vault access and posture", async () => {
    const d = await dashboardSummary({ ctx: viewerCtx, input: {}, now: NOW });
    expect(d.vaults).toEqual({
      total: 3,
      reachable: 2,
      unreachable: 1,
      notScanned: 0,
      rbac: 2,
      accessPolicies: 1,
      noPurgeProtection: 2,
      noSoftDelete: 0,
      publicNetwork: 1,
      noDiagnostics: 2,
    });
  });

  it("buckets the next 90 days by week and type", async () => {
    const d = await dashboardSummary({ ctx: viewerCtx, input: {}, now: NOW });
    expect(d.timeline).toHaveLength(13);
    expect(d.timeline[0].start.toISOString()).toBe(NOW.toISOString());
    // days 2 (secret) and 5 (secret) → week 0; 10 (credential) → week 1; 20 (secret), 25 (certificate) → weeks 2 and 3; 60 (cert) → week 8; 80 (secret) → week 11
    expect(d.timeline[0]).toMatchObject({ secret: 2, certificate: 0, key: 0, credential: 0 });
    expect(d.timeline[1]).toMatchObject({ credential: 1 });
    expect(d.timeline[2]).toMatchObject({ secret: 1 });
    expect(d.timeline[3]).toMatchObject({ certificate: 1 });
    expect(d.timeline[8]).toMatchObject({ certificate: 1 });
    expect(d.timeline[11]).toMatchObject({ secret: 1 });
    const sum = d.timeline.reduce((s, b) => s + b.secret + b.certificate + b.key + b.credential, 0);
    expect(sum).toBe(7); // the disabled secret expires in 100 days and the key in 200: outside the horizon
  });

  it("breaks down by subscription and lists the top risks", async () => {
    const d = await dashboardSummary({ ctx: viewerCtx, input: {}, now: NOW });
    const prod = d.bySubscription.find((s) => s.id === SUB_PROD)!;
    expect(prod).toMatchObject({
      name: "Contoso Production",
      vaults: 2,
      unreachable: 0,
      objects: 9,
      expired: 1,
      critical: 1,
      warning: 2,
      noExpiry: 2,
    });
    expect(d.bySubscription.find((s) => s.id === SUB_DEV)).toMatchObject({
      vaults: 1,
      unreachable: 1,
      objects: 3,
      critical: 1,
    });
    // one list, closest to the moment of expiry first; the healthy certificate makes Payments API's password no less
    // urgent (kinds are judged apart)
    expect(d.risks.ranked.map((r) => (r.kind === "object" ? r.name : `${r.appName}/${r.type}`))).toEqual([
      "Legacy Portal/password",
      "api-key",
      "db-password",
      "+cmd|calc",
      "Payments API/password",
      '=HYPERLINK("http://evil")',
      "tls-payments",
    ]);
    expect(d.risks.leftovers).toMatchObject({ total: 0, items: [] });
    expect(d.risks.vaults).toHaveLength(1);
    expect(d.risks.vaults[0]).toMatchObject({ name: "kv-dev-locked", accessStatus: "firewall" });
    expect(d.lastScan?.id).toBe(scanId);
    expect(d.lastCompletedScan?.status).toBe("completed_with_errors");
  });

  it("says the inventory is partial (vaults read of vaults listed) until a scan of everything has completed", async () => {
    expect((await dashboardSummary({ ctx: viewerCtx, input: {}, now: NOW })).partial).toBeNull();
    const rolledBack = new Error("rolled back");
    const seen: unknown[] = [];
    await db
      .transaction(async (tx) => {
        const ctx = { ...viewerCtx, db: tx };
        // the first scan of everything never completed: it was interrupted, and a new one is still listing
        await tx.update(scanRuns).set({ status: "failed", vaultsTotal: 10 }).where(eq(scanRuns.id, scanId));
        await tx
          .insert(scanRuns)
          .values({ mode: "delta", trigger: "schedule", requestedBy: "system", status: "running" });
        seen.push((await dashboardSummary({ ctx, input: {}, now: NOW })).partial);
        // a scan of chosen vaults completing does not make the inventory whole
        await tx.insert(scanRuns).values({
          mode: "full",
          trigger: "manual",
          requestedBy: "operator@contoso.example",
          status: "completed",
          scope: { vaults: ["kv-payments"] },
          vaultsTotal: 1,
          vaultsDone: 1,
        });
        seen.push((await dashboardSummary({ ctx, input: {}, now: NOW })).partial);
        throw rolledBack;
      })
      .catch((e) => {
        if (e !== rolledBack) throw e;
      });
    expect(seen).toEqual([
      { vaultsRead: 3, vaultsTotal: 10 },
      { vaultsRead: 3, vaultsTotal: 10 },
    ]);
  });
});

describe("CSV export", () => {
  it("escapes quotes, commas and newlines and neutralises formulas", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
    for (const f of ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"])
      expect(csvCell(f).startsWith("'") || csvCell(f).startsWith(`"'`)).toBe(true);
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(null)).toBe("");
    expect(csvCell(new Date("2026-01-02T03:04:05.000Z"))).toBe("2026-01-02T03:04:05.000Z");
  });

  it("exports the filtered view with a header, in the view's order", async () => {
    const out = await csv({ subscription: SUB_PROD, sort: "name" });
    const lines = out.trimEnd().split("\r\n");
    expect(lines[0]).toBe(CSV_HEADER.join(","));
    expect(lines).toHaveLength(1 + 9);
    expect(lines[1]).toMatch(/^secret,"'=HYPERLINK\(""http:\/\/evil""\)",kv-payments,/);
    expect(out).toContain('"text/plain, ""quoted"""');
    expect(out).not.toContain("gone-secret");
    const api = lines.find((l) => l.includes(",api-key,"))!;
    expect(api).toContain(",critical,true,2026-06-03T12:00:00.000Z,2,");
    expect(api).toContain("env=prod; owner=payments");
  });

  it("neutralises formula-like names from any vault", async () => {
    const out = await csv({ subscription: SUB_DEV, sort: "name" });
    expect(out).toContain("\r\nsecret,'+cmd|calc,kv-dev-locked,");
    expect(out).toContain("\r\nsecret,'-minus,");
    expect(out).toContain("\r\nsecret,'@at,");
  });

  it("pages through keyset batches without gaps or duplicates, for every sort and direction", async () => {
    for (const sort of ["expiry", "name", "updated", "vault"])
      for (const dir of ["asc", "desc"]) {
        const whole = await csv({ sort, dir, removed: "1" }, 1000);
        const batched = await csv({ sort, dir, removed: "1" }, 2);
        expect(batched, `${sort} ${dir}`).toBe(whole);
        expect(whole.trimEnd().split("\r\n")).toHaveLength(14);
      }
  });

  it("has the same rows as the list for the same filters", async () => {
    const list = await listAssets({ ctx: viewerCtx, input: { status: "no-expiry", sort: "name" } });
    const out = await csv({ status: "no-expiry", sort: "name" }, 1);
    const exported = out
      .trimEnd()
      .split("\r\n")
      .slice(1)
      .map((l) => l.split(",")[1].replace(/^'/, ""));
    expect(exported).toEqual(names(list.rows));
  });
});

describe("vaults, objects and apps", () => {
  it("lists vaults with posture and counts, and filters them", async () => {
    const { rows: all, total } = await listVaults({ ctx: viewerCtx, input: {} });
    expect(total).toBe(3);
    expect(all.map((v) => v.name)).toEqual(["kv-dev-locked", "kv-payments", "kv-web"]);
    expect(all.find((v) => v.name === "kv-payments")).toMatchObject({
      expired: 1,
      critical: 1,
      warning: 2,
      liveObjects: 5,
      subscriptionName: "Contoso Production",
    });
    expect((await listVaults({ ctx: viewerCtx, input: { access: "unreachable" } })).rows.map((v) => v.name)).toEqual([
      "kv-dev-locked",
    ]);
    expect(
      (await listVaults({ ctx: viewerCtx, input: { posture: "public-network" } })).rows.map((v) => v.name),
    ).toEqual(["kv-web"]);
    expect(
      (await listVaults({ ctx: viewerCtx, input: { posture: "access-policies" } })).rows.map((v) => v.name),
    ).toEqual(["kv-web"]);
    expect((await listVaults({ ctx: viewerCtx, input: { subscription: SUB_DEV } })).rows.map((v) => v.name)).toEqual([
      "kv-dev-locked",
    ]);
  });

  it("paginates vaults", async () => {
    const p2 = await listVaults({ ctx: viewerCtx, input: { pageSize: 10, page: 2 } });
    expect(p2).toMatchObject({ total: 3, rows: [] });
    expect((await listVaults({ ctx: viewerCtx, input: { q: "web" } })).rows.map((v) => v.name)).toEqual(["kv-web"]);
  });

  it("returns one vault with counts and errors, addressed by a reversible slug", async () => {
    expect(vaultIdFromSlug(vaultSlug(V_DEV))).toBe(V_DEV);
    expect(vaultIdFromSlug("not/a/slug")).toBeNull();
    const v = await getVault({ ctx: viewerCtx, input: { id: V_DEV } });
    expect(v.vault.accessError?.remediation).toMatch(/firewall/);
    expect(v.errors).toHaveLength(1);
    const web = await getVault({ ctx: viewerCtx, input: { id: V_WEB.toUpperCase() } });
    expect(web.counts.find((c) => c.type === "secret")).toMatchObject({
      total: 2,
      noExpiry: 1,
      disabled: 1,
      removed: 1,
    });
    await expect(getVault({ ctx: viewerCtx, input: { id: "/subscriptions/x/nope" } })).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("returns one object with its detail", async () => {
    const [row] = await db
      .select()
      .from(assets)
      .limit(100)
      .then((r) => r.filter((a) => a.name === "tls-payments"));
    const a = await getAsset({ ctx: viewerCtx, input: { id: row.id } });
    expect(a).toMatchObject({
      vaultName: "kv-payments",
      subscriptionName: "Contoso Production",
      asset: { detail: { subject: "CN=pay.contoso.com" } },
    });
    await expect(getAsset({ ctx: viewerCtx, input: { id: randomUUID() } })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(getAsset({ ctx: viewerCtx, input: { id: "nope" } })).rejects.toThrow();
  });

  it("returns an object's kept versions newest first, as dates, with their expiry status", async () => {
    const [row] = (await db.select().from(assets)).filter((a) => a.name === "tls-payments");
    const s = (days: number) => Math.round(NOW.getTime() / 1000) + days * 86400;
    const stored = [
      { id: "v1", created: s(-200), updated: s(-200), enabled: false, notBefore: null, expires: s(-1) },
      { id: "v3", created: s(-1), updated: s(-1), enabled: true, notBefore: s(-1), expires: s(200) },
      { id: 5, created: "not a version" },
      { id: "v2", created: s(-100), updated: s(-90), enabled: true, notBefore: null, expires: s(3) },
    ];
    await db
      .update(assets)
      .set({ detail: { ...row.detail, versions: stored } })
      .where(eq(assets.id, row.id));
    try {
      const a = await getAsset({ ctx: viewerCtx, input: { id: row.id }, now: NOW });
      expect(a.versions).toEqual([
        {
          id: "v3",
          createdOn: new Date(s(-1) * 1000),
          updatedOn: new Date(s(-1) * 1000),
          enabled: true,
          notBefore: new Date(s(-1) * 1000),
          expiresOn: new Date(s(200) * 1000),
          status: "healthy",
        },
        expect.objectContaining({ id: "v2", expiresOn: new Date(s(3) * 1000), notBefore: null, status: "critical" }),
        expect.objectContaining({ id: "v1", enabled: false, status: "expired" }),
      ]);
      // the versions are moved out of the detail (the page's "other metadata" does not repeat them)
      expect(a.asset.detail).not.toHaveProperty("versions");
      expect(a.asset.detail).toMatchObject({ subject: "CN=pay.contoso.com" });
    } finally {
      await db.update(assets).set({ detail: row.detail }).where(eq(assets.id, row.id));
    }
    const none = await getAsset({ ctx: viewerCtx, input: { id: row.id }, now: NOW });
    expect(none.versions).toEqual([]);
  });

  it("lists apps with credential counts and filters by status and expiry window", async () => {
    const all = await listApps({ ctx: viewerCtx, input: {}, now: NOW });
    expect(all.total).toBe(4);
    expect(all.rows.map((r) => r.displayName)).toEqual(["Legacy Portal", "Payments API", "No Creds", "Payments API"]);
    expect(all.rows[0]).toMatchObject({ credentials: 1, expired: 1 });
    expect((await listApps({ ctx: viewerCtx, input: { status: "expired" }, now: NOW })).rows.map((r) => r.id)).toEqual([
      "app-obj-2",
    ]);
    expect(
      (await listApps({ ctx: viewerCtx, input: { status: "none", kind: "application" }, now: NOW })).rows.map(
        (r) => r.id,
      ),
    ).toEqual(["app-obj-3"]);
    expect((await listApps({ ctx: viewerCtx, input: { expiringDays: "30" }, now: NOW })).rows.map((r) => r.id)).toEqual(
      ["app-obj-2", "app-obj-1"],
    );
    expect((await listApps({ ctx: viewerCtx, input: { q: "legacy" }, now: NOW })).total).toBe(1);
    const app = await getApp({ ctx: viewerCtx, input: { id: "app-obj-1" } });
    expect(app.credentials.map((c) => c.keyId)).toEqual(["k1", "k2"]);
    expect(app.related.map((r) => r.id)).toEqual(["sp-obj-1"]);
    expect(app.app.owners[0].userPrincipalName).toBe("alice@contoso.example");
  });
});

describe("caching", () => {
  it("serves the dashboard and counts from cache until the inventory version (latest scan) changes", async () => {
    clearInventoryCache();
    const a = await cachedDashboardSummary(viewerCtx);
    const extra = {
      vaultId: V_WEB,
      subscriptionId: SUB_PROD,
      type: "secret" as const,
      name: "cache-probe",
      objectId: "x",
      status: "healthy" as const,
      expiresOn: new Date(Date.now() + 400 * DAY),
    };
    await db.insert(assets).values(extra);
    const before = await listAssets({ ctx: viewerCtx, input: { subscription: SUB_PROD }, cachedCount: true });
    expect((await cachedDashboardSummary(viewerCtx)).kpis.secret.total).toBe(a.kpis.secret.total);
    await db
      .insert(scanRuns)
      .values({ mode: "delta", trigger: "manual", requestedBy: "t", status: "completed", finishedAt: new Date() });
    await new Promise((r) => setTimeout(r, 1100)); // the version is re-read at most once a second
    expect((await cachedDashboardSummary(viewerCtx)).kpis.secret.total).toBe(a.kpis.secret.total + 1);
    expect((await listAssets({ ctx: viewerCtx, input: { subscription: SUB_PROD }, cachedCount: true })).total).toBe(
      before.total,
    );
    await expect(cachedDashboardSummary(anonCtx)).rejects.toMatchObject({ code: "unauthenticated" });
    await db.delete(assets).where(eq(assets.name, "cache-probe"));
    await db.delete(scanRuns).where(eq(scanRuns.requestedBy, "t"));
    clearInventoryCache();
  });
});

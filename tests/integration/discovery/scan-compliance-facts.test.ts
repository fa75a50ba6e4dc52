// The facts the compliance rules read, as a scan of the local cloud records them (issue 11): Defender plan per
// subscription, diagnostic settings, private endpoint states, firewall IP rules, access-policy permission lists, key
// and certificate parameters. Each rule that needs one of them answers pass or fail from the stored rows — and a failed
// monitoring read degrades only its own fact (unknown, with a scan error), never the scan.
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { assetFacts, evaluate, prepareRules, vaultFacts, type Finding } from "@/lib/compliance";
import { getDb } from "@/lib/db/client";
import { assets, scanErrors, vaults, type Vault } from "@/lib/db/schema";
import { runScan, setupDiscovery, type Env } from "./helpers";

let env: Env;
const rules = prepareRules();
const now = new Date();

async function vaultRows(): Promise<Map<string, Vault>> {
  const db = await getDb();
  return new Map((await db.select().from(vaults)).map((v) => [v.name, v]));
}
const outcome = (f: Finding[], ruleId: string) => f.find((x) => x.ruleId === ruleId)!;

beforeAll(async () => {
  env = await setupDiscovery({ estate: "tiny" });
});
afterAll(async () => {
  await env?.stop();
});

describe("a full scan records the compliance facts", () => {
  let run: Awaited<ReturnType<typeof runScan>>;
  let rows: Map<string, Vault>;
  let names: string[];

  beforeAll(async () => {
    const { control } = env.cloud;
    names = control.vaults().map((v) => v.name);
    const [v0, v1, , v3] = names;
    // v1 (access policies, firewall allowing 127.0.0.1): a rejected and a pending private endpoint, bypass None
    const d1 = control.vault(v1).def;
    d1.networkAcls = { ...d1.networkAcls!, bypass: "None" };
    d1.privateEndpointConnections = ["Rejected", "Pending"].map((status, i) => ({
      id: `${d1.id}/privateEndpointConnections/pe-${i}`,
      privateEndpointId: `/subscriptions/${d1.subscriptionId}/resourceGroups/rg-net/providers/Microsoft.Network/privateEndpoints/pe-${i}`,
      status: status as "Rejected" | "Pending",
    }));
    d1.accessPolicies.push({
      tenantId: env.cloud.estate.tenantId,
      objectId: "00000000-0000-4000-8000-00000000beef",
      permissions: { keys: ["Get", "Purge"], secrets: ["get"], certificates: ["List"] },
    });
    // v3: one setting with logs off (metrics only), one with a 30-day storage retention on AuditEvent
    control.setVaultProperties(v3, {
      diagnostics: [
        {
          name: "metrics-only",
          workspaceId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law",
          logs: [{ categoryGroup: "audit", enabled: false }],
          metrics: [{ category: "AllMetrics", enabled: true }],
        },
        {
          name: "to-storage",
          storageAccountId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st",
          logs: [{ category: "AuditEvent", enabled: true, retentionPolicy: { enabled: true, days: 30 } }],
          metrics: [],
        },
      ],
    });
    // v0's diagnostic settings cannot be read: only its logging facts are lost
    control.addFault({ op: "arm.diagnosticSettings.list", vault: v0, kind: "status", status: 403 });
    control.resetCounters();
    run = await runScan({ mode: "full" });
    rows = await vaultRows();
  });

  test("the scan completes; the failed read is one error on its vault, its logging facts unknown", async () => {
    expect(run.status).toBe("completed_with_errors");
    expect(run.vaultsDone).toBe(5);
    const v0 = rows.get(names[0])!;
    expect(v0.diagnosticSettings).toBeNull();
    expect(v0.diagnosticsEnabled).toBeNull();
    expect(v0.readable).toBe(true);
    expect(v0.defenderForKeyVault).toBe("Standard");
    const db = await getDb();
    const errs = await db
      .select()
      .from(scanErrors)
      .where(and(eq(scanErrors.scanId, run.id), eq(scanErrors.scope, v0.id)));
    expect(errs.map((e) => [e.kind, e.message.startsWith("diagnostic settings:")])).toEqual([["permission", true]]);
    const f = evaluate(vaultFacts(v0), now, rules);
    expect(outcome(f, "vault-resource-logs").status).toBe("unknown");
    expect(outcome(f, "vault-defender").status).toBe("pass");
  });

  test("Defender plan: read once per subscription, stored on each of its vaults", () => {
    const { control, estate } = env.cloud;
    const subsWithVaults = new Set(control.vaults().map((v) => v.subscriptionId.toLowerCase()));
    const reads = control.count("arm.security.pricings.get");
    expect(reads).toBeGreaterThanOrEqual(subsWithVaults.size);
    expect(reads).toBeLessThanOrEqual(subsWithVaults.size + (run.stats.retries ?? 0));
    for (const c of control.vaults()) {
      const plan = estate.subscriptions.find((s) => s.subscriptionId === c.subscriptionId)!.defenderForKeyVault;
      const row = rows.get(c.name)!;
      expect(row.defenderForKeyVault, c.name).toBe(plan);
      const want = plan === "Standard" ? "pass" : "fail";
      expect(outcome(evaluate(vaultFacts(row), now, rules), "vault-defender").status, c.name).toBe(want);
    }
    expect(new Set([...rows.values()].map((r) => r.defenderForKeyVault))).toEqual(new Set(["Standard", "Free"]));
  });

  test("diagnostic settings: destinations, categories and retention as ARM returns them", () => {
    const { control } = env.cloud;
    // once per vault; a retried attempt (a timeout on a loaded machine) counts again
    const reads = control.count("arm.diagnosticSettings.list");
    expect(reads).toBeGreaterThanOrEqual(5);
    expect(reads).toBeLessThanOrEqual(5 + (run.stats.retries ?? 0));
    for (const name of names.slice(1)) {
      const def = control.vault(name).def;
      const row = rows.get(name)!;
      expect(row.diagnosticSettings, name).toEqual(
        def.diagnostics.map((d) => ({
          name: d.name,
          ...(d.workspaceId ? { workspaceId: d.workspaceId } : {}),
          ...(d.storageAccountId ? { storageAccountId: d.storageAccountId } : {}),
          ...(d.eventHubAuthorizationRuleId ? { eventHubAuthorizationRuleId: d.eventHubAuthorizationRuleId } : {}),
          logs: d.logs.map((l) => ({
            ...(l.category ? { category: l.category } : { categoryGroup: l.categoryGroup }),
            enabled: l.enabled,
            ...(l.retentionPolicy?.enabled ? { retentionPolicy: l.retentionPolicy } : {}),
          })),
        })),
      );
      expect(row.diagnosticsEnabled, name).toBe(control.vaults().find((v) => v.name === name)!.diagnostics);
    }
    // v3: logs off in one setting, 30 days retention in the other → fails the 365-day default, passes 30
    const v3 = vaultFacts(rows.get(names[3])!);
    expect(outcome(evaluate(v3, now, rules), "vault-resource-logs").status).toBe("fail");
    const lenient = prepareRules({ "vault-resource-logs": { params: { requiredRetentionDays: 30 } } });
    expect(outcome(evaluate(v3, now, lenient), "vault-resource-logs").status).toBe("pass");
    // a vault without settings fails; one with audit logs to a workspace passes
    const statuses = names
      .slice(1)
      .map((n) => outcome(evaluate(vaultFacts(rows.get(n)!), now, rules), "vault-resource-logs").status);
    expect(statuses).not.toContain("unknown");
  });

  test("network: private endpoint states, bypass and IP rule values", () => {
    const { control } = env.cloud;
    for (const name of names) {
      const def = control.vault(name).def;
      const row = rows.get(name)!;
      expect(row.ipRules, name).toEqual(def.networkAcls?.ipRules.map((r) => r.value) ?? []);
      expect(row.networkBypass, name).toBe(def.networkAcls?.bypass ?? null);
      expect(
        row.privateEndpoints.map((p) => p.status),
        name,
      ).toEqual(def.privateEndpointConnections.map((p) => p.status));
    }
    const v1 = vaultFacts(rows.get(names[1])!);
    expect(v1.privateEndpointStates).toEqual(["Rejected", "Pending"]);
    expect(v1.ipRules).toEqual(["127.0.0.1/32", "203.0.113.0/24"]);
    const f1 = evaluate(v1, now, rules);
    expect(outcome(f1, "vault-private-link")).toMatchObject({ status: "fail", reason: "no approved private endpoint" });
    for (const n of names)
      expect(outcome(evaluate(vaultFacts(rows.get(n)!), now, rules), "vault-private-link").status).not.toBe("unknown");
  });

  test("access policies: every permission list, so the broad-grant rule decides", () => {
    const { control } = env.cloud;
    const norm = (xs: string[]) => [...new Set(xs.map((x) => x.toLowerCase()))].sort();
    for (const name of names) {
      const def = control.vault(name).def;
      const row = rows.get(name)!;
      expect(row.accessPolicies, name).toEqual(
        def.accessPolicies.map((a) => ({
          objectId: a.objectId,
          applicationId: null,
          secrets: norm(a.permissions.secrets),
          keys: norm(a.permissions.keys),
          certificates: norm(a.permissions.certificates),
        })),
      );
      const broad = outcome(evaluate(vaultFacts(row), now, rules), "vault-access-policy-broad").status;
      expect(broad, name).toBe(def.enableRbacAuthorization ? "notApplicable" : "fail");
    }
    // a vault whose only grants are narrow passes (the key and certificate lists are known now)
    const v4 = rows.get(names[4])!;
    const narrow = {
      ...v4,
      accessPolicies: v4.accessPolicies!.filter(
        (a) =>
          !a.secrets.includes("purge") &&
          !a.secrets.includes("all") &&
          !(a.keys ?? []).some((k) => k === "all" || k === "purge") &&
          !(a.certificates ?? []).some((k) => k === "all" || k === "purge"),
      ),
    };
    expect(narrow.accessPolicies.length).toBeGreaterThan(0);
    expect(outcome(evaluate(vaultFacts(narrow), now, rules), "vault-access-policy-broad").status).toBe("pass");
  });

  test("keys and certificates: every key and certificate rule answers from the stored detail", async () => {
    const { control } = env.cloud;
    const db = await getDb();
    const unknowns: string[] = [];
    let keysSeen = 0;
    let certsSeen = 0;
    for (const c of control.vaults().filter((v) => v.reachable && v.access === "full")) {
      const row = rows.get(c.name)!;
      const objs = await db
        .select()
        .from(assets)
        .where(and(eq(assets.vaultId, row.id), isNull(assets.removedAt)));
      for (const a of objs) {
        if (a.type === "secret") continue;
        const f = assetFacts(a, c.name);
        for (const x of evaluate(f, now, rules))
          if (x.status === "unknown") unknowns.push(`${a.name} ${x.ruleId}: ${x.reason}`);
        if (a.type === "key") {
          keysSeen++;
          const cur = control.object(c.name, "keys", a.name).versions.at(-1)!;
          expect(a.detail.kty, a.name).toBe(cur.kty);
          if (cur.kty!.startsWith("RSA")) expect(a.detail.keySize, a.name).toBe(cur.keySize ?? 2048);
          else expect(a.detail.curve, a.name).toBe(cur.crv ?? "P-256");
        } else {
          certsSeen++;
          const p = control.object(c.name, "certificates", a.name).policy!;
          const stored = a.detail.policy as Record<string, unknown>;
          expect(stored.issuerName, a.name).toBe(p.issuer);
          expect(stored.keyType, a.name).toBe(p.keyType);
          if (p.keyType === "EC") expect(stored.keyCurveName, a.name).toBe(p.keyCurveName ?? "P-256");
          else expect(stored.keySize, a.name).toBe(p.keySize);
        }
      }
    }
    expect(keysSeen).toBeGreaterThan(0);
    expect(certsSeen).toBeGreaterThan(0);
    expect(unknowns).toEqual([]);
  });
});

describe("a failed Defender read", () => {
  test("is one error for the subscription; its vaults' Defender fact is unknown, the rest of the scan is whole", async () => {
    const { control } = env.cloud;
    control.clearFaults();
    const sub = control.vaults()[1].subscriptionId;
    control.addFault({ op: "arm.security.pricings.get", pathIncludes: sub, kind: "status", status: 503 });
    const run = await runScan({ mode: "full" });
    expect(run.vaultsDone).toBe(5);
    const db = await getDb();
    const errs = await db.select().from(scanErrors).where(eq(scanErrors.scanId, run.id));
    const defenderErrors = errs.filter((e) => e.message.startsWith("Defender for Key Vault plan:"));
    expect(defenderErrors.map((e) => [e.scope, e.kind])).toEqual([[sub.toLowerCase(), "unknown"]]);
    const after = await vaultRows();
    for (const c of control.vaults()) {
      const row = after.get(c.name)!;
      const f = evaluate(vaultFacts(row), now, rules);
      if (c.subscriptionId === sub) {
        expect(row.defenderForKeyVault, c.name).toBeNull();
        expect(outcome(f, "vault-defender").status).toBe("unknown");
      } else expect(row.defenderForKeyVault, c.name).toBe("Standard");
      expect(row.lastScanId).toBe(run.id);
      expect(row.diagnosticSettings, c.name).not.toBeNull();
    }
  });
});

describe("diagnostic settings of an unexpected shape", () => {
  test("fail the zod check: that vault's logging facts are unknown, the error names the field, not its value", async () => {
    const { control } = env.cloud;
    control.clearFaults();
    const name = control.vaults()[0].name;
    control.setVaultProperties(name, {
      diagnostics: [
        {
          name: "odd",
          workspaceId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law",
          logs: [{ categoryGroup: "audit", enabled: "sometimes" as never }],
          metrics: [],
        },
      ],
    });
    const run = await runScan({ mode: "full" });
    expect(run.vaultsDone).toBe(5);
    const row = (await vaultRows()).get(name)!;
    expect([row.diagnosticSettings, row.diagnosticsEnabled, row.readable]).toEqual([null, null, true]);
    const db = await getDb();
    const errs = await db
      .select()
      .from(scanErrors)
      .where(and(eq(scanErrors.scanId, run.id), eq(scanErrors.scope, row.id)));
    expect(errs).toHaveLength(1);
    expect(errs[0].message).toMatch(
      /^diagnostic settings: unexpected response shape \(value\.0\.properties\.logs\.0\.enabled: /,
    );
    expect(errs[0].message).not.toContain("sometimes");
    expect(outcome(evaluate(vaultFacts(row), now, rules), "vault-resource-logs").status).toBe("unknown");
  });
});

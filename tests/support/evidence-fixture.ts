/** A synthetic evidence data object of any size, for template tests and the reports bench's render-only figure. */
import { FRAMEWORKS, RULES, paramsFor } from "@/lib/compliance";
import { formatParams } from "@/lib/reports/collect";
import { SECTIONS, type EvidenceData } from "@/lib/reports/evidence-data";

export function evidenceFixture({ vaults = 40, expiring = 120, findings = 80 } = {}): EvidenceData {
  const at = "2026-12-01T10:00:00.000Z";
  const subs = Array.from({ length: Math.max(1, Math.ceil(vaults / 50)) }, (_, i) => ({
    id: `0000000${i}-aaaa-bbbb-cccc-000000000000`.slice(-36),
    name: `Subscription ${i + 1}`,
  }));
  return {
    meta: {
      tenant: "Contoso Ltd",
      scope: [],
      period: { from: "2026-11-01T00:00:00.000Z", to: "2026-12-01T00:00:00.000Z" },
      generatedAt: at,
      generatedBy: "Alice Auditor <alice@contoso.test>",
      productVersion: "CertifyClouds 0.1.0",
      sections: [...SECTIONS],
      rowCounts: [{ label: "Vaults in scope", rows: vaults }],
      lastScanAt: at,
    },
    attachments: [
      { name: "inventory.csv", description: "x", mime: "text/csv", rows: 3, bytes: 120, sha256: "a".repeat(64) },
    ],
    summary: {
      score: 72.5,
      source: "on-the-fly",
      trend: Array.from({ length: 12 }, (_, i) => ({ at: `2026-${String(i + 1).padStart(2, "0")}-01`, score: 60 + i })),
      bySubscription: subs.map((s, i) => ({ ...s, score: 50 + i })),
      counts: { evaluated: 1000, passing: 800, failing: 200, unknown: 12 },
      frameworks: FRAMEWORKS.map((f) => ({ id: f.id, name: f.name, score: 70 })),
    },
    policy: {
      settings: [{ name: "Expiry thresholds", value: "warning at 30 days or fewer, critical at 7 or fewer" }],
      rules: RULES.map((r) => ({
        id: r.id,
        title: r.title,
        severity: r.severity,
        scope: r.scope,
        enabled: r.enabledByDefault,
        params: formatParams(paramsFor(r)),
      })),
      waivers: null,
    },
    compliance: {
      frameworks: FRAMEWORKS.map((f) => ({
        id: f.id,
        name: f.name,
        version: f.version,
        score: 70,
        controls: f.controls.map((c, i) => ({
          id: c.id,
          title: c.title,
          coverage: c.coverage,
          status: c.coverage === "customer" ? "customer" : i % 3 ? "pass" : "fail",
          score: c.coverage === "customer" ? null : 80,
          failing: i % 3 ? 0 : 2,
        })),
      })),
    },
    findings: {
      total: findings * 2,
      shown: Array.from({ length: findings }, (_, i) => ({
        severity: ["critical", "high", "medium", "low"][i % 4],
        ruleId: "vault.purge-protection",
        rule: "Key vaults should have deletion protection enabled",
        object: `kv-prod-${i}`,
        scope: "vault",
        vault: `kv-prod-${i}`,
        reason: "Purge protection is off: a deleted vault or object can be purged before its retention ends.",
      })),
      bySeverity: ["critical", "high", "medium", "low"].map((s) => ({ severity: s, count: findings / 2 })),
    },
    inventory: {
      bySubscription: subs.map((s) => ({
        ...s,
        vaults: 50,
        secrets: 400,
        certificates: 100,
        keys: 80,
        expired: 3,
        expiring30: 9,
      })),
      byVault: Array.from({ length: vaults }, (_, i) => ({
        name: `kv-${String(i).padStart(4, "0")}`,
        subscription: subs[i % subs.length].name,
        objects: 40 + (i % 7),
        expired: i % 5,
        expiring30: i % 3,
        score: 60 + (i % 40),
        access: i % 17 ? "ok" : "firewall",
      })),
    },
    expiry: {
      total: expiring,
      shown: Array.from({ length: expiring }, (_, i) => ({
        date: "2026-12-15",
        days: 14 + (i % 76),
        kind: ["secret", "certificate", "key", "client secret"][i % 4],
        name: `object-${i}`,
        where: `kv-${i % 40}`,
        status: ["critical", "warning", "healthy"][i % 3],
      })),
    },
    apps: {
      counts: [
        { status: "expired", count: 2 },
        { status: "critical", count: 3 },
        { status: "warning", count: 5 },
        { status: "healthy", count: 40 },
      ],
      total: 50,
      shown: Array.from({ length: 10 }, (_, i) => ({
        app: `app-${i}`,
        type: "client secret",
        name: `secret ${i}`,
        end: "2026-12-20",
        days: 19,
        status: "warning",
      })),
    },
    coverage: {
      vaults,
      read: vaults - 2,
      neverScanned: 0,
      unreadable: [
        {
          vault: "kv-locked",
          subscription: "Subscription 1",
          status: "firewall",
          reason: "Blocked by the vault firewall — add the scanner's egress address.",
        },
        {
          vault: "kv-noperm",
          subscription: "Subscription 1",
          status: "permission",
          reason: "Forbidden — grant Key Vault Reader.",
        },
      ],
      lastScan: { id: "scan-1", finishedAt: at, status: "succeeded" },
    },
    rotations: {
      enabled: false,
      note: "Rotation is not enabled in this installation: no rotations were run by the product in the period.",
    },
    audit: {
      rowsInPeriod: 321,
      byAction: [{ action: "scan.requested", count: 100 }],
      byOutcome: [
        { outcome: "success", count: 300 },
        { outcome: "denied", count: 21 },
      ],
      head: { seq: 1234, hash: "b".repeat(64) },
      anchor: {
        seq: 1230,
        hash: "c".repeat(64),
        at,
        location: "https://kv-anchor.vault.azure.net/secrets/certifyclouds-audit-anchor/abc",
      },
      verification: { ok: true, rowsChecked: 1234, detail: "1234 rows verified: every link, hash and MAC holds" },
    },
  };
}

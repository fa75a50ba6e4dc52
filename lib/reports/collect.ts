/**
 * Gathers the evidence package's data object and its attachments (service verb: evidence:export). Inventory figures
 * and compliance figures are as of generation time (compliance: the latest evaluation, as the console shows it); the
 * period bounds the audit log, the rotations, the waivers in force and the score trend.
 */
import { z } from "zod";
import { anchorConfigured, latestAnchor, writeAuditAnchor } from "../audit/anchor";
import { assertPermission } from "../auth/authorize";
import { RULES, paramsFor } from "../compliance";
import { getConfig } from "../config";
import type { Ctx } from "../context";
import { dbOf } from "../db/transaction";
import { getSettings } from "../settings/store";
import { guid, isoDate } from "../validation";
import { version } from "../../package.json";
import { buildAttachments, type Attachment } from "./attachments";
import { auditSection } from "./audit-source";
import { evaluateCompliance } from "./compliance-source";
import { FINDINGS_CSV_HEADER, findingsCsvChunk } from "./findings-csv";
import { csvLine } from "../csv";
import { SECTIONS, type EvidenceData, type SectionId } from "./evidence-data";
import { appsSection, coverageSection, expirySection, inventorySection } from "./inventory-source";
import { persistedCompliance, scoreTrend, waiversInPeriod } from "./persisted-compliance";
import { rotationsSection } from "./rotation-source";
import { subscriptionNames } from "./scope";

export const evidenceInput = z
  .object({
    subscriptions: z.array(guid("Subscription")).max(1000).default([]),
    from: isoDate("start", "From").optional(),
    to: isoDate("end", "To").optional(),
    sections: z.array(z.enum(SECTIONS)).min(1).optional(),
  })
  .strip();
export type EvidenceInput = z.input<typeof evidenceInput>;

const DAY = 86_400_000;

/** A rule's parameters for people: "name: value; …" (lists comma-separated), "none" when it takes none. */
export function formatParams(p: unknown): string {
  if (!p || typeof p !== "object") return "none";
  const parts = Object.entries(p as Record<string, unknown>).map(
    ([k, v]) =>
      `${k}: ${Array.isArray(v) ? v.join(", ") : typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`,
  );
  return parts.length ? parts.join("; ") : "none";
}

function actorLabel(ctx: Ctx): string {
  const a = ctx.actor;
  return a.type === "user" ? `${a.name} <${a.upn}>` : a.type === "system" ? `scheduled job ${a.job}` : "anonymous";
}

export async function collectEvidence({
  ctx,
  input,
  now = new Date(),
}: {
  ctx: Ctx;
  input: unknown;
  now?: Date;
}): Promise<{ data: EvidenceData; attachments: Attachment[] }> {
  assertPermission(ctx, "evidence:export");
  const q = evidenceInput.parse(input ?? {});
  const db = await dbOf(ctx);
  const subs = q.subscriptions.map((s) => s.toLowerCase());
  const period = { from: q.from ?? new Date(now.getTime() - 30 * DAY), to: q.to ?? now };
  const sections = new Set<SectionId>(q.sections ?? SECTIONS);
  const want = (s: SectionId) => sections.has(s);

  // the package carries a fresh anchor: written now when anchoring is configured, else none
  if (anchorConfigured()) await writeAuditAnchor({ ctx, now }).catch(() => undefined);
  const anchor = anchorConfigured() ? await latestAnchor().catch(() => null) : null;
  const needCompliance = want("summary") || want("compliance") || want("findings") || want("inventory");
  // the figures the console shows (the latest evaluation); evaluated here only before the first evaluation
  const persisted = needCompliance ? await persistedCompliance(db, subs) : null;
  // evaluated on the fly: the same pass writes findings.csv (one evaluation of the estate, not two)
  const findingsCsv = persisted || !needCompliance ? undefined : [csvLine(FINDINGS_CSV_HEADER)];
  const compliance =
    persisted ??
    (findingsCsv
      ? await evaluateCompliance(db, subs, now, { onBatch: (b) => b.length && findingsCsv.push(findingsCsvChunk(b)) })
      : null);
  const names = await subscriptionNames(db);
  const data: EvidenceData = {
    meta: {
      tenant: getConfig().tenantDisplayName ?? getConfig().auth.tenantId ?? "Entra tenant",
      scope: subs.map((id) => ({ id, name: names.get(id) ?? id })),
      period: { from: period.from.toISOString(), to: period.to.toISOString() },
      generatedAt: now.toISOString(),
      generatedBy: actorLabel(ctx),
      productVersion: `CertifyClouds ${version}`,
      sections: SECTIONS.filter(want),
      rowCounts: [],
      lastScanAt: null,
    },
    attachments: [],
  };
  if (compliance && want("summary"))
    data.summary = {
      score: compliance.tenantScore,
      source: persisted ? "persisted" : "on-the-fly",
      trend: persisted ? await scoreTrend(db, subs, period) : null,
      bySubscription: [...compliance.bySubscription].map(([id, score]) => ({ id, name: names.get(id) ?? id, score })),
      counts: compliance.counts,
      frameworks: compliance.frameworks.map((f) => ({ id: f.id, name: f.name, score: f.score })),
    };
  if (want("policy")) {
    const s = await getSettings(db, [
      "expiry.thresholds",
      "scan.schedule",
      "discovery.subscriptions",
      "compliance.rules",
    ]);
    const ruleSetting = s["compliance.rules"];
    const t = s["expiry.thresholds"];
    data.policy = {
      settings: [
        {
          name: "Expiry thresholds",
          value: `warning at ${t.warningDays} days or fewer, critical at ${t.criticalDays} or fewer`,
        },
        ...Object.entries(t.perSubscription).map(([id, v]) => ({
          name: `Expiry thresholds, ${names.get(id) ?? id}`,
          value: `warning at ${v.warningDays} days or fewer, critical at ${v.criticalDays} or fewer`,
        })),
        {
          name: "Scheduled scan",
          value: s["scan.schedule"].enabled
            ? `${s["scan.schedule"].mode} scan, cron "${s["scan.schedule"].cron}" (${s["scan.schedule"].timezone})`
            : "disabled",
        },
        {
          name: "Subscriptions scanned",
          value: s["discovery.subscriptions"].allowList.length
            ? s["discovery.subscriptions"].allowList.map((id) => names.get(id) ?? id).join(", ")
            : "every subscription the product identity can read",
        },
      ],
      // the parameters in force (Settings → Compliance), not the catalogue's defaults
      rules: RULES.map((r) => ({
        id: r.id,
        title: r.title,
        severity: r.severity,
        scope: r.scope,
        enabled: ruleSetting[r.id]?.enabled ?? r.enabledByDefault,
        params: formatParams(paramsFor(r, ruleSetting[r.id])),
      })),
      waivers: await waiversInPeriod(db, subs, period),
    };
  }
  if (compliance && want("compliance")) data.compliance = { frameworks: compliance.frameworks };
  if (compliance && want("findings"))
    data.findings = {
      total: compliance.failingTotal,
      shown: compliance.failingShown,
      bySeverity: compliance.bySeverity,
    };
  if (want("inventory")) data.inventory = await inventorySection(db, subs, now, compliance?.byVault ?? null);
  if (want("expiry")) data.expiry = await expirySection(db, subs, now);
  if (want("apps")) data.apps = await appsSection(db, now);
  const coverage = await coverageSection(db, subs);
  data.meta.lastScanAt = coverage.lastScan?.finishedAt ?? null;
  if (want("coverage")) data.coverage = coverage;
  if (want("rotations")) data.rotations = await rotationsSection(db, subs, period);
  if (want("audit")) data.audit = await auditSection(db, period, anchor);

  const attachments = await buildAttachments(ctx, {
    subscriptions: subs,
    period,
    anchor,
    now,
    evaluatedFindingsCsv: findingsCsv,
  });
  data.attachments = attachments.map((a) => ({
    name: a.name,
    description: a.description,
    mime: a.mime,
    rows: a.rows,
    bytes: a.bytes,
    sha256: a.sha256,
  }));
  data.meta.rowCounts = [
    ...(data.inventory ? [{ label: "Vaults in scope", rows: data.inventory.byVault.length }] : []),
    ...(data.findings ? [{ label: "Failing findings", rows: data.findings.total }] : []),
    ...(data.expiry ? [{ label: "Expiring in 90 days", rows: data.expiry.total }] : []),
    ...(data.audit ? [{ label: "Audit rows in period", rows: data.audit.rowsInPeriod }] : []),
    ...attachments.map((a) => ({ label: a.name, rows: a.rows })),
  ];
  return { data, attachments };
}

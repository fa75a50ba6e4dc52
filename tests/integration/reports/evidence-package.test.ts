/**
 * The evidence package end to end on a scanned local-cloud estate: generate, then read the PDF back with poppler
 * (pdftotext, pdfdetach) the way an auditor would — sections and figures against the database, every attached file's
 * SHA-256 against the cover — and check that generation and download are audited and need the Auditor role.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, count, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deriveAuditMacKey } from "@/lib/audit/chain";
import { verifyAuditExport } from "@/lib/audit/verify-export";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { alertOutbox, auditLog, complianceFindings, complianceWaivers, rotations, vaults } from "@/lib/db/schema";
import { evaluateCompliance } from "@/lib/compliance/evaluate-estate";
import { systemCtx } from "@/lib/context";
import { collectEvidence } from "@/lib/reports/collect";
import { exportFindingsCsv } from "@/lib/reports/findings-csv";
import { SECTION_TITLES } from "@/lib/reports/evidence-data";
import { generateAuditLogPdf, generateEvidencePackage } from "@/lib/reports/generate";
import { downloadReport, listReports } from "@/lib/reports/store";
import { webhookRule } from "../alerts/fixtures";
import { runScan, setupDiscovery, userCtx, type Env } from "../discovery/helpers";

let env: Env;
let dir: string;
let pdfText: string;
let pdfFile: string;
let reportId: string;

const pdftotext = (file: string) => execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });

beforeAll(async () => {
  env = await setupDiscovery();
  await runScan({ mode: "full" });
  dir = mkdtempSync(path.join(tmpdir(), "cc-evidence-"));
  const meta = await generateEvidencePackage({ ctx: userCtx("CertifyClouds.Auditor"), input: {} });
  reportId = meta.id;
  const { content } = await downloadReport({ ctx: userCtx("CertifyClouds.Auditor"), input: { id: meta.id } });
  pdfFile = path.join(dir, "package.pdf");
  writeFileSync(pdfFile, content);
  pdfText = pdftotext(pdfFile);
}, 180_000);
afterAll(async () => env?.stop());

describe("evidence package", () => {
  it("has a cover and every section, with page x of y on every page", () => {
    expect(pdfText).toContain("Key Vault evidence package");
    for (const title of Object.values(SECTION_TITLES)) expect(pdfText).toContain(title);
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [pdfFile], { encoding: "utf8" }))![1]);
    for (let p = 2; p <= pages; p++) expect(pdfText).toContain(`Page ${p} of ${pages}`);
  });

  it("shows the database's figures: vaults in scope, unreadable vaults by name, the chain head", async () => {
    const db = await getDb();
    const [{ n }] = await db.select({ n: count() }).from(vaults).where(isNull(vaults.removedAt));
    expect(pdfText).toMatch(new RegExp(`Vaults in scope\\s+${n}\\b`));
    const unreadable = await db
      .select({ name: vaults.name })
      .from(vaults)
      .where(and(isNull(vaults.removedAt), eq(vaults.readable, false)));
    expect(unreadable.length).toBeGreaterThan(0);
    for (const v of unreadable) expect(pdfText).toContain(v.name);
    const audits = await db.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog);
    const heads = audits.map((a) => `${a.seq}:${a.hash}`);
    const shownHead = /(\d+:[0-9a-f]{64})/.exec(pdfText.replace(/\u200b/g, ""))?.[1];
    expect(heads).toContain(shownHead);
  });

  it("embeds the CSVs and the audit JSONL; each file's SHA-256 is the one on the cover and in the report row", async () => {
    const out = path.join(dir, "files");
    execFileSync("mkdir", ["-p", out]);
    execFileSync("pdfdetach", ["-saveall", "-o", out, pdfFile]);
    const files = readdirSync(out).sort();
    expect(files).toEqual(
      [
        "app-credentials.csv",
        "audit-log.csv",
        "audit-log.jsonl",
        "findings.csv",
        "inventory.csv",
        "vault-posture.csv",
      ].sort(),
    );
    const cover = pdftotext(pdfFile).replace(/\u200b/g, "");
    const [meta] = (await listReports({ ctx: userCtx("CertifyClouds.Auditor") })).filter((r) => r.id === reportId);
    const recorded = meta.params.attachments as { name: string; sha256: string }[];
    for (const f of files) {
      const sha = createHash("sha256")
        .update(readFileSync(path.join(out, f)))
        .digest("hex");
      expect(cover).toContain(sha);
      expect(recorded.find((r) => r.name === f)?.sha256).toBe(sha);
    }
    const inventory = readFileSync(path.join(out, "inventory.csv"), "utf8").trim().split("\r\n");
    expect(inventory[0]).toMatch(/^type,name,vault/);
    const jsonl = readFileSync(path.join(out, "audit-log.jsonl"), "utf8").split("\n");
    expect((await verifyAuditExport(jsonl, { macKey: deriveAuditMacKey(getConfig().secretKey) })).ok).toBe(true);
  });

  it("generation and download are audited with the file's SHA-256", async () => {
    const db = await getDb();
    const rows = await db.select().from(auditLog).where(eq(auditLog.targetId, reportId));
    const [meta] = (await listReports({ ctx: userCtx("CertifyClouds.Auditor") })).filter((r) => r.id === reportId);
    expect(rows.map((r) => r.action).sort()).toEqual(["report.downloaded", "report.generated"]);
    for (const r of rows) expect((r.details as { sha256: string }).sha256).toBe(meta.sha256);
    expect(createHash("sha256").update(readFileSync(pdfFile)).digest("hex")).toBe(meta.sha256);
  });

  it("needs the Auditor role: a Viewer can neither generate, list nor download", async () => {
    const viewer = userCtx("CertifyClouds.Viewer");
    await expect(generateEvidencePackage({ ctx: viewer, input: {} })).rejects.toMatchObject({ code: "forbidden" });
    await expect(listReports({ ctx: viewer })).rejects.toMatchObject({ code: "forbidden" });
    await expect(downloadReport({ ctx: viewer, input: { id: reportId } })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("scope and sections: one subscription, two sections", async () => {
    const db = await getDb();
    const [v] = await db.select({ sub: vaults.subscriptionId }).from(vaults).limit(1);
    const meta = await generateEvidencePackage({
      ctx: userCtx("CertifyClouds.Auditor"),
      input: { subscriptions: [v.sub], sections: ["inventory", "coverage"] },
    });
    const { content } = await downloadReport({ ctx: userCtx("CertifyClouds.Admin"), input: { id: meta.id } });
    const file = path.join(dir, "scoped.pdf");
    writeFileSync(file, content);
    const text = pdftotext(file);
    expect(text).toContain(v.sub);
    expect(text).toContain("Scan coverage");
    expect(text).not.toContain("Executive summary");
    const [{ n }] = await db
      .select({ n: count() })
      .from(vaults)
      .where(and(isNull(vaults.removedAt), eq(vaults.subscriptionId, v.sub)));
    expect(text).toMatch(new RegExp(`Vaults in scope\\s+${n}\\b`));
  });

  it("the audit log PDF lists the period's entries", async () => {
    const meta = await generateAuditLogPdf({ ctx: userCtx("CertifyClouds.Auditor"), input: {} });
    const { content } = await downloadReport({ ctx: userCtx("CertifyClouds.Auditor"), input: { id: meta.id } });
    const file = path.join(dir, "audit.pdf");
    writeFileSync(file, content);
    const text = pdftotext(file);
    expect(text).toContain("report.generated");
    expect(text).toContain("scan.requested");
  });

  it("before the first evaluation, one on-the-fly pass gives both the figures and findings.csv", async () => {
    const now = new Date();
    const ctx = userCtx("CertifyClouds.Auditor");
    const { data, attachments } = await collectEvidence({ ctx, input: {}, now });
    expect(data.summary!.source).toBe("on-the-fly");
    const attached = attachments.find((a) => a.name === "findings.csv")!.data.toString("utf8");
    // the same file a separate evaluation at the same instant writes, and its failures are the PDF's count
    let separate = "";
    for await (const chunk of exportFindingsCsv({ ctx, input: {}, now })) separate += chunk;
    expect(attached).toBe(separate);
    const failing = attached.split("\r\n").filter((l) => l.startsWith("fail,"));
    expect(failing.length).toBeGreaterThan(0);
    expect(failing).toHaveLength(data.findings!.total);
  });

  it("after an evaluation, the figures are the console's: score, failing findings, waivers, trend and rotations", async () => {
    const db = await getDb();
    const [vault] = await db.select().from(vaults).where(isNull(vaults.removedAt)).limit(1);
    const now = new Date();
    // a waiver in force and a rotation in the period, as the console would have recorded them
    await db.insert(complianceWaivers).values({
      ruleId: "vault-purge-protection",
      scopeType: "vault",
      scopeId: vault.id,
      scopeLabel: vault.name,
      justification: "[test] accepted risk",
      expiresAt: new Date(now.getTime() + 30 * 86_400_000),
      status: "approved",
      proposedBy: "op",
      proposedByName: "Olivia Operator",
      proposedAt: now,
      decidedBy: "admin",
      decidedByName: "Adam Admin",
      decidedAt: now,
    });
    await db.insert(rotations).values({
      appObjectId: "app-1",
      appId: "00000000-0000-4000-8000-000000000001",
      appDisplayName: "payments-api",
      state: "done",
      overlapHours: 24,
      validityDays: 180,
      targets: [
        {
          vaultId: vault.id,
          vaultName: vault.name,
          vaultUri: vault.vaultUri ?? `https://${vault.name}.vault.azure.net/`,
          secretName: "payments-api-client-secret",
          linkSource: "tags",
          contentType: null,
        },
      ],
      requestedBy: "operator@contoso.test",
      finishedAt: now,
    });
    const r = await evaluateCompliance({ ctx: systemCtx("test"), input: { trigger: "manual" } });
    const { data, attachments } = await collectEvidence({ ctx: userCtx("CertifyClouds.Auditor"), input: {} });
    expect(data.summary!.source).toBe("persisted");
    // the same tallies summed in another order: equal to the last bits
    expect(data.summary!.score).toBeCloseTo(r.score!, 6);
    expect(data.summary!.trend!.length).toBeGreaterThanOrEqual(1);
    expect(data.summary!.trend!.at(-1)!.score).toBeCloseTo(r.score!, 3);
    const [{ open }] = await db
      .select({ open: count() })
      .from(complianceFindings)
      .where(
        and(
          eq(complianceFindings.status, "fail"),
          isNull(complianceFindings.resolvedAt),
          isNull(complianceFindings.waiverId),
        ),
      );
    expect(open).toBeGreaterThan(0);
    expect(data.findings!.total).toBe(open);
    // the attached findings.csv holds the rows behind that count
    const csv = attachments
      .find((a) => a.name === "findings.csv")!
      .data.toString("utf8")
      .trim()
      .split("\r\n");
    const header = csv[0].split(",");
    const failingUnwaived = csv
      .slice(1)
      .map((l) => l.split(","))
      .filter((c) => c[header.indexOf("status")] === "fail" && c[header.indexOf("waived")] === "no");
    expect(failingUnwaived).toHaveLength(open);
    expect(data.policy!.waivers).toEqual([
      expect.objectContaining({ object: `vault: ${vault.name}`, approver: expect.stringContaining("Adam Admin") }),
    ]);
    expect(data.rotations).toEqual({
      enabled: true,
      rows: [
        expect.objectContaining({
          object: expect.stringContaining("payments-api → "),
          outcome: expect.stringMatching(/^completed/),
        }),
      ],
    });
  });

  it("the monthly package is announced to report.ready rules (a link, not the file); an on-demand one is not", async () => {
    await webhookRule(userCtx("CertifyClouds.Admin"), "Reports", ["report.ready"]);
    const db = await getDb();
    const ready = async () =>
      (await db.select().from(alertOutbox).where(eq(alertOutbox.eventType, "report.ready"))).map(
        (o) => (o.payload as { message: { data: Record<string, unknown>; link?: string } }).message,
      );
    await generateEvidencePackage({ ctx: userCtx("CertifyClouds.Auditor"), input: { sections: ["summary"] } });
    expect(await ready()).toEqual([]);
    const monthly = await generateEvidencePackage({
      ctx: systemCtx("monthly-evidence"),
      input: { sections: ["summary"] },
      announce: true,
    });
    expect(await ready()).toEqual([
      expect.objectContaining({
        data: { reportId: monthly.id, title: monthly.title, sha256: monthly.sha256, pages: monthly.pages },
        link: expect.stringMatching(/\/reports$/),
      }),
    ]);
  });
}, 240_000);

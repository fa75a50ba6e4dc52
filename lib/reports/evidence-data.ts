/**
 * The evidence package's data object: everything the PDF shows, gathered once, so the templates are pure functions
 * of it (tests render fixtures; the bench renders a generated estate). Every section is optional — the options choose
 * sections — and says where its figures came from, so a source can be swapped (e.g. on-the-fly compliance evaluation
 * today, persisted findings and score snapshots once compliance persistence lands) without touching the templates.
 */
import type { Coverage } from "../compliance";

export const SECTIONS = [
  "summary",
  "policy",
  "compliance",
  "findings",
  "inventory",
  "expiry",
  "apps",
  "coverage",
  "rotations",
  "audit",
  "assertion",
] as const;
export type SectionId = (typeof SECTIONS)[number];

export const SECTION_TITLES: Record<SectionId, string> = {
  summary: "Executive summary",
  policy: "Policy configuration",
  compliance: "Compliance by framework",
  findings: "Findings",
  inventory: "Inventory",
  expiry: "Expiry schedule (next 90 days)",
  apps: "App credential status",
  coverage: "Scan coverage",
  rotations: "Rotations in the period",
  audit: "Audit log summary",
  assertion: "Management assertion",
};

export interface AttachmentInfo {
  name: string;
  description: string;
  mime: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface EvidenceMeta {
  tenant: string;
  /** Subscription ids and names in scope; empty = every subscription in the inventory. */
  scope: { id: string; name: string }[];
  period: { from: string; to: string };
  generatedAt: string;
  generatedBy: string;
  productVersion: string;
  sections: SectionId[];
  /** Row counts per section and per attachment, for the cover. */
  rowCounts: { label: string; rows: number }[];
  lastScanAt: string | null;
}

export interface ScorePoint {
  at: string;
  score: number;
}

export interface FrameworkResult {
  id: string;
  name: string;
  version: string;
  score: number | null;
  controls: { id: string; title: string; coverage: Coverage; status: string; score: number | null; failing: number }[];
}

export interface FindingLine {
  severity: string;
  ruleId: string;
  rule: string;
  object: string;
  scope: string;
  vault: string | null;
  reason: string;
}

export interface EvidenceData {
  meta: EvidenceMeta;
  attachments: AttachmentInfo[];
  summary?: {
    score: number | null;
    /** "on-the-fly": evaluated from the inventory at generation time; "persisted" once snapshots exist. */
    source: "on-the-fly" | "persisted";
    trend: ScorePoint[] | null;
    bySubscription: { id: string; name: string; score: number | null }[];
    counts: { evaluated: number; passing: number; failing: number; unknown: number };
    frameworks: { id: string; name: string; score: number | null }[];
  };
  policy?: {
    settings: { name: string; value: string }[];
    rules: { id: string; title: string; severity: string; scope: string; enabled: boolean; params: string }[];
    /** null until waivers are recorded (compliance persistence). */
    waivers: { rule: string; object: string; proposer: string; approver: string; expires: string }[] | null;
  };
  compliance?: { frameworks: FrameworkResult[] };
  findings?: { total: number; shown: FindingLine[]; bySeverity: { severity: string; count: number }[] };
  inventory?: {
    bySubscription: {
      id: string;
      name: string;
      vaults: number;
      secrets: number;
      certificates: number;
      keys: number;
      expired: number;
      expiring30: number;
    }[];
    byVault: {
      name: string;
      subscription: string;
      objects: number;
      expired: number;
      expiring30: number;
      score: number | null;
      access: string;
    }[];
  };
  expiry?: {
    total: number;
    shown: { date: string; days: number; kind: string; name: string; where: string; status: string }[];
  };
  apps?: {
    counts: { status: string; count: number }[];
    shown: { app: string; type: string; name: string; end: string | null; days: number | null; status: string }[];
    total: number;
  };
  coverage?: {
    vaults: number;
    read: number;
    unreadable: { vault: string; subscription: string; status: string; reason: string }[];
    neverScanned: number;
    lastScan: { id: string; finishedAt: string | null; status: string } | null;
  };
  rotations?:
    { enabled: false; note: string } | { enabled: true; rows: { at: string; object: string; outcome: string }[] };
  audit?: {
    rowsInPeriod: number;
    byAction: { action: string; count: number }[];
    byOutcome: { outcome: string; count: number }[];
    head: { seq: number; hash: string } | null;
    anchor: { seq: number; hash: string; at: string; location: string } | null;
    verification: { ok: boolean; rowsChecked: number; detail: string };
  };
}

import { sql } from "drizzle-orm";
import { index, integer, json, jsonb, pgTable, primaryKey, real, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Compliance state (lib/compliance). Metadata only: rule outcomes, reasons in plain words, scores — never a secret value.
 *
 * compliance_objects: one row per evaluated object with its outcome per rule packed in `digest` (one letter per rule of
 * its scope, in catalogue order) — what an incremental evaluation diffs against without reading every finding — and
 * the next instant any of its outcomes changes with time alone (`next_change_at`), so time-driven transitions are an
 * index range scan.
 */
export const complianceObjects = pgTable(
  "compliance_objects",
  {
    objectId: text("object_id").primaryKey(),
    scope: text("scope").notNull(),
    objectName: text("object_name").notNull(),
    vaultId: text("vault_id"),
    vaultName: text("vault_name"),
    subscriptionId: text("subscription_id"),
    digest: text("digest").notNull(),
    nextChangeAt: timestamp("next_change_at", { withTimezone: true }),
    evaluatedAt: timestamp("evaluated_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    index("compliance_objects_next_change_idx")
      .on(t.nextChangeAt)
      .where(sql`next_change_at is not null`),
    // an asset's stored evaluation in the assets' own (uuid) order: the evaluation reads a page of assets merge-joined
    // with their stored digests instead of looking each one up (inventory-facts.ts)
    index("compliance_objects_asset_uuid_idx")
      .on(sql`(${t.objectId}::uuid)`)
      .where(sql`scope in ('secret', 'key', 'certificate')`),
  ],
);

/**
 * A finding: a rule × object that failed (open, waived or resolved since) or could not be decided (unknown). Passing
 * and not-applicable outcomes that never failed are counted in the snapshot, not stored here.
 */
export const complianceFindings = pgTable(
  "compliance_findings",
  {
    ruleId: text("rule_id").notNull(),
    objectId: text("object_id").notNull(),
    scope: text("scope").notNull(),
    severity: text("severity").$type<"critical" | "high" | "medium" | "low">().notNull(),
    objectName: text("object_name").notNull(),
    vaultId: text("vault_id"),
    vaultName: text("vault_name"),
    subscriptionId: text("subscription_id"),
    /** fail | unknown | pass | notApplicable | removed (the last three only after a failure: resolved) */
    status: text("status").$type<"fail" | "unknown" | "pass" | "notApplicable" | "removed">().notNull(),
    reason: text("reason").notNull(),
    /** An approved, unexpired waiver covers this failure: listed, not scored. */
    waiverId: uuid("waiver_id"),
    /** When the current (or last) failure began. */
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull(),
    /** The last evaluation that saw it failing, written when it resolves (an open finding is seen by the latest). */
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.ruleId, t.objectId] }),
    index("compliance_findings_status_idx").on(t.status, t.severity),
    index("compliance_findings_vault_idx").on(t.vaultId),
  ],
);

/** Per rule, subscription and vault: evaluated, passing, waived, unknown and not-applicable counts. */
export type TallyRow = [
  ruleId: string,
  subscriptionId: string,
  vaultId: string,
  n: number,
  p: number,
  w: number,
  u: number,
];

/**
 * The tallies as snapshots store them now: subscription, vault and rule ids each written once and the rows as
 * indexes into them (~0.2 MB instead of 1.4 MB at 500 vaults — the parameter's size was most of a snapshot insert).
 * Older snapshots hold TallyRow[]; lib/compliance/tallies.ts's unpackTallies reads both.
 */
export interface PackedTallies {
  format: 2;
  rules: string[];
  subscriptions: string[];
  vaults: string[];
  /** [rule, subscription, vault] indexes, then n, p, w, u */
  rows: [number, number, number, number, number, number, number][];
}

export type StoredTallies = TallyRow[] | PackedTallies;

/** One per evaluation (after every scan, a waiver decision, or the periodic refresh): the trend and its explanation. */
export const complianceSnapshots = pgTable(
  "compliance_snapshots",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    scanId: uuid("scan_id"),
    /** scan | refresh | waiver | settings | demo (seeded history, labelled as such in the console) */
    trigger: text("trigger").notNull(),
    mode: text("mode").$type<"full" | "incremental">().notNull(),
    takenAt: timestamp("taken_at", { withTimezone: true }).notNull(),
    /** Inventory rows changed at or after this instant are the next incremental evaluation's candidates. */
    watermark: timestamp("watermark", { withTimezone: true }).notNull(),
    /** Enabled rules and their parameters (and the catalogue's rule list): a change forces a full evaluation. */
    rulesFingerprint: text("rules_fingerprint").notNull(),
    tenantScore: real("tenant_score"),
    scores: jsonb("scores").$type<SnapshotScores>().notNull(),
    /** json, not jsonb: written and read whole, never queried inside — jsonb parsed and re-encoded it each time */
    tallies: json("tallies").$type<StoredTallies>().notNull(),
    delta: real("delta"),
    explanations: jsonb("explanations").$type<{ points: number; text: string }[]>().notNull().default([]),
    objectsEvaluated: integer("objects_evaluated").notNull(),
    findingsChanged: integer("findings_changed").notNull(),
    durationMs: integer("duration_ms").notNull(),
  },
  (t) => [index("compliance_snapshots_taken_idx").on(t.takenAt)],
);

export interface SnapshotScores {
  bySubscription: Record<string, number | null>;
  byVault: Record<string, number | null>;
  byFramework: Record<string, number | null>;
  /** Open failures (not waived), waived failures and passes per severity. */
  bySeverity: Record<string, { fail: number; waived: number; pass: number }>;
}

/** A waiver: an exception to a rule over a scope, proposed by one person and decided by another (four eyes). */
export const complianceWaivers = pgTable(
  "compliance_waivers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ruleId: text("rule_id").notNull(),
    scopeType: text("scope_type").$type<"tenant" | "subscription" | "vault" | "object">().notNull(),
    /** Subscription id, vault id or object id; empty for the tenant. */
    scopeId: text("scope_id").notNull(),
    /** What the scope names, for lists (vault or object name). */
    scopeLabel: text("scope_label").notNull(),
    justification: text("justification").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    status: text("status").$type<"proposed" | "approved" | "rejected">().notNull(),
    proposedBy: text("proposed_by").notNull(),
    proposedByName: text("proposed_by_name").notNull(),
    proposedAt: timestamp("proposed_at", { withTimezone: true }).notNull(),
    decidedBy: text("decided_by"),
    decidedByName: text("decided_by_name"),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    decisionNote: text("decision_note"),
  },
  (t) => [index("compliance_waivers_rule_idx").on(t.ruleId, t.status)],
);

export type ComplianceFinding = typeof complianceFindings.$inferSelect;
export type ComplianceSnapshot = typeof complianceSnapshots.$inferSelect;
export type ComplianceWaiver = typeof complianceWaivers.$inferSelect;

import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/** Scan runs (one row per discovery run, with its lease and progress) and the errors each recorded. */
export const scanRuns = pgTable(
  "scan_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    mode: text("mode").$type<"full" | "delta" | "forced">().notNull(),
    scope: jsonb("scope").$type<{ subscriptions?: string[]; vaults?: string[] }>().notNull().default({}),
    trigger: text("trigger").$type<"manual" | "schedule">().notNull(),
    requestedBy: text("requested_by").notNull(),
    status: text("status")
      .$type<"queued" | "running" | "completed" | "completed_with_errors" | "failed" | "cancelled">()
      .notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    /** Updated with every progress write while running (the lease below is what decides who may run it). */
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    /**
     * The worker holding the scan and until when (database clock), renewed with the heartbeat. A running scan whose
     * lease has expired is taken over by the next worker that claims, and continues where it stopped.
     */
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true }),
    /** Claims so far: 1 for a scan that ran once, n + 1 after n interruptions. */
    attempt: integer("attempt").notNull().default(0),
    /** The phases already done, so a resumed scan skips them (the vaults done are rows of scan_vaults). */
    checkpoint: jsonb("checkpoint").$type<ScanCheckpoint>().notNull().default({}),
    cancelRequested: boolean("cancel_requested").notNull().default(false),
    vaultsTotal: integer("vaults_total").notNull().default(0),
    vaultsDone: integer("vaults_done").notNull().default(0),
    vaultsFailed: integer("vaults_failed").notNull().default(0),
    objectsSeen: integer("objects_seen").notNull().default(0),
    appsSeen: integer("apps_seen").notNull().default(0),
    errorCount: integer("error_count").notNull().default(0),
    requestCount: integer("request_count").notNull().default(0),
    error: text("error"),
    /** Counters for operators and benchmarks: detail calls made/skipped, retries, rows written, … */
    stats: jsonb("stats").$type<ScanStats>().notNull().default({}),
  },
  (t) => [
    index("scan_runs_created_idx").on(t.createdAt),
    // At most one scan queued or running at a time (requestScan's conflict check, race-free).
    uniqueIndex("scan_runs_one_active_uq")
      .on(sql`(true)`)
      .where(sql`status in ('queued', 'running')`),
  ],
);

export interface ScanCheckpoint {
  /** Subscriptions and vaults were listed; the vaults to read are this scan's scan_vaults rows. */
  targets?: { completeSubscriptions: string[]; vaultsChosen: boolean };
  /** The Graph phase (apps and credentials) was written. */
  graph?: true;
}

export interface ScanStats {
  requests?: number;
  retries?: number;
  detailCalls?: number;
  detailSkipped?: number;
  rowsWritten?: number;
  /** time spent in inventory reads/writes (ms) */
  dbMs?: number;
  subscriptions?: number;
  vaultListSource?: "resource-graph" | "arm";
  durationMs?: number;
  /** the concurrency the scan used (lib/discovery/scan-limits.ts): global start / end / peak / low, 429s, slowed scopes */
  concurrency?: {
    adaptive: boolean;
    global: { start: number; end: number; peak: number; low: number };
    throttled: number;
    vaultsSlowed: number;
    subscriptionsSlowed: number;
    pausedMs: number;
  };
}

export const scanErrors = pgTable(
  "scan_errors",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    scanId: uuid("scan_id")
      .notNull()
      .references(() => scanRuns.id),
    scope: text("scope").notNull(), // vault id, subscription id, or "graph"
    kind: text("kind").notNull(), // firewall | permission | not_found | throttled | network | unknown
    code: text("code"),
    message: text("message").notNull(),
    remediation: text("remediation").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("scan_errors_scan_idx").on(t.scanId)],
);

export type ScanRun = typeof scanRuns.$inferSelect;
export type ScanError = typeof scanErrors.$inferSelect;

import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Alerts: channels, rules, the per-item threshold state and the outbox (which is also the delivery history).
 * No column holds a secret value: channel secrets are AES-256-GCM ciphertext (`secret_box`, lib/alerts/secret-box.ts),
 * and payloads carry names and metadata only.
 */
export type ChannelKind = "email" | "teams" | "slack" | "pagerduty" | "webhook";

export const alertChannels = pgTable("alert_channels", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  kind: text("kind").$type<ChannelKind>().notNull(),
  /** Non-secret settings (SMTP host/port/from/to, PagerDuty endpoint, …), validated by the channel's schema. */
  config: jsonb("config").$type<Record<string, unknown>>().notNull().default({}),
  /** The channel's secrets (webhook URL, SMTP password, routing key, signing secret) sealed with the alerts key. */
  secretBox: text("secret_box"),
  enabled: boolean("enabled").notNull().default(true),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text("updated_by"),
});

export interface RuleScope {
  subscriptions?: string[];
  /** vault names (lower case) */
  vaults?: string[];
  /** every listed tag must match one of its values */
  tags?: Record<string, string[]>;
  severities?: ("critical" | "high" | "medium" | "low")[];
}

export const alertRules = pgTable("alert_rules", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  types: jsonb("types").$type<string[]>().notNull().default([]),
  scope: jsonb("scope").$type<RuleScope>().notNull().default({}),
  /** days before expiry at which an item alerts, descending (e.g. 30, 14, 7); expiry itself always counts */
  thresholds: jsonb("thresholds").$type<number[]>().notNull().default([30, 14, 7]),
  /** compliance.score.below alerts when the tenant score crosses below this (0–100) */
  scoreBelow: integer("score_below").notNull().default(80),
  /** compliance.score.dropped alerts when one evaluation lowers the score by at least this many points */
  scoreDrop: integer("score_drop").notNull().default(5),
  channelIds: jsonb("channel_ids").$type<string[]>().notNull().default([]),
  /** tag whose value names the owner (an email address routes email channels to that person) */
  ownerTag: text("owner_tag"),
  /** where an email goes when the item has no owner (empty: the channel's own recipients) */
  fallbackRecipients: jsonb("fallback_recipients").$type<string[]>().notNull().default([]),
  mode: text("mode").$type<"immediate" | "digest">().notNull().default("immediate"),
  digestCron: text("digest_cron"),
  digestTimezone: text("digest_timezone"),
  nextDigestAt: timestamp("next_digest_at", { withTimezone: true }),
  enabled: boolean("enabled").notNull().default(true),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text("updated_by"),
});

/** The level each item last alerted at under a rule: what makes an item alert once per threshold crossing. */
export const alertState = pgTable(
  "alert_state",
  {
    ruleId: uuid("rule_id")
      .notNull()
      .references(() => alertRules.id, { onDelete: "cascade" }),
    itemKey: text("item_key").notNull(),
    family: text("family").notNull(),
    /** the level's order in its family (a rise is a crossing) */
    rank: integer("rank").notNull(),
    /** "30" / "14" / "7" / "expired" / "failed" / "unreadable" … as the item's family defines */
    level: text("level").notNull(),
    /** the last message sent for the item (for its resolve) */
    message: jsonb("message").$type<Record<string, unknown>>().notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.itemKey] })],
);

export type DeliveryStatus = "held" | "pending" | "sending" | "delivered" | "failed" | "digested";

/**
 * One message to one channel (and recipient). Written in the transaction of the event that causes it; the delivery job
 * leases rows (lease_owner/lease_until), so a row whose worker died is taken again after its lease lapses, and the
 * row id is the idempotency key receivers see (webhook-id, Message-ID).
 */
export const alertOutbox = pgTable(
  "alert_outbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ruleId: uuid("rule_id"),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => alertChannels.id, { onDelete: "cascade" }),
    eventType: text("event_type").notNull(),
    action: text("action").$type<"trigger" | "resolve" | "test" | "digest">().notNull(),
    itemKey: text("item_key"),
    dedupKey: text("dedup_key").notNull(),
    recipient: text("recipient"),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: text("status").$type<DeliveryStatus>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    leaseOwner: text("lease_owner"),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    responseCode: integer("response_code"),
    error: text("error"),
    digestId: uuid("digest_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
  },
  (t) => [
    index("alert_outbox_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`status in ('pending', 'sending')`),
    index("alert_outbox_created_idx").on(t.createdAt),
    index("alert_outbox_held_idx")
      .on(t.ruleId)
      .where(sql`status = 'held'`),
  ],
);

export type AlertChannel = typeof alertChannels.$inferSelect;
export type AlertRule = typeof alertRules.$inferSelect;
export type AlertOutboxRow = typeof alertOutbox.$inferSelect;

import { customType, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/**
 * Generated reports (evidence packages, audit log PDFs), kept until `expires_at` (the reports.retention setting).
 * The file is stored whole: a package is a few MB, and its SHA-256 is what the console lists and the audit records.
 */
export const reports = pgTable(
  "reports",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: text("kind").$type<"evidence" | "audit-log">().notNull(),
    title: text("title").notNull(),
    params: jsonb("params").$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    createdBy: text("created_by").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    sha256: text("sha256").notNull(),
    bytes: integer("bytes").notNull(),
    pages: integer("pages"),
    content: bytea("content").notNull(),
  },
  (t) => [index("reports_created_idx").on(t.createdAt), index("reports_expires_idx").on(t.expiresAt)],
);

export type ReportRow = typeof reports.$inferSelect;

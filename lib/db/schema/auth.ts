import { sql } from "drizzle-orm";
import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** A person who signed in through Entra ID. Keyed by the immutable object id (oid), never by e-mail. */
export const users = pgTable("users", {
  id: uuid("id").primaryKey().defaultRandom(),
  oid: text("oid").notNull().unique(),
  tenantId: text("tenant_id").notNull(),
  upn: text("upn").notNull(),
  name: text("name").notNull(),
  /** App roles effective at the last sign-in (from the `roles` claim and the group mapping). */
  roles: text("roles")
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }),
});

/**
 * Server-side sessions. Only a SHA-256 of the cookie's token is stored, so a database read does not hand
 * out live sessions. `expires` is the absolute end; idle time is measured from `lastSeenAt`.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tokenHash: text("token_hash").notNull().unique(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    expires: timestamp("expires", { withTimezone: true }).notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/** Sign-in attempts per client address, for the rate limit and temporary lockout. */
export const signinThrottle = pgTable("signin_throttle", {
  ip: text("ip").primaryKey(),
  windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
  attempts: integer("attempts").notNull(),
  lockedUntil: timestamp("locked_until", { withTimezone: true }),
});

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;

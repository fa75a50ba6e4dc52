import { boolean, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { scanRuns } from "./scans";

/**
 * The to-do list of one running scan: every vault it listed, and which of them are done. A vault is marked done in
 * the same transaction as its inventory write, so a scan resumed by another worker reads only the vaults not yet done
 * and counts each vault and its objects once. The rows of a scan are deleted when it finishes.
 */
export const scanVaults = pgTable(
  "scan_vaults",
  {
    scanId: uuid("scan_id")
      .notNull()
      .references(() => scanRuns.id),
    vaultId: text("vault_id").notNull(),
    /** listing order, so a resumed scan visits the remaining vaults in the same order */
    position: integer("position").notNull(),
    /** the vault as ARM listed it (what the vault phase needs to read it) */
    target: jsonb("target").$type<Record<string, unknown>>().notNull(),
    doneAt: timestamp("done_at", { withTimezone: true }),
    /** the attempt (scan_runs.attempt) that wrote it */
    doneAttempt: integer("done_attempt"),
    /** written as unreadable (its objects could not be listed, or its write failed) */
    failed: boolean("failed").notNull().default(false),
    /** objects listed in it (0 when failed) */
    objects: integer("objects").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.scanId, t.vaultId] })],
);

export type ScanVault = typeof scanVaults.$inferSelect;

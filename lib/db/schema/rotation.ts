import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/**
 * A credential rotation (client secret or certificate): one row per rotation (its state machine) and one row per step (rotation_steps). No column
 * ever holds a secret value: the new value lives in the worker's memory between Graph's answer and the last write.
 */
export type RotationState =
  | "awaiting_approval" // Settings → Rotation requires an Admin's approval (not the requester's) before it starts
  | "cancelled" // rejected by an Admin before anything changed
  | "adding" // about to call addPassword (or to clean up after a crash in it)
  | "writing" // new credential exists; writing a new version to every linked secret
  | "verifying" // every write done; a token request with the new secret decides
  | "overlap" // verified; the old credential stays valid until overlapUntil
  | "removing" // removing the old credential
  | "done"
  | "held"; // stopped with a reason, waiting for an Operator's retry

export interface RotationTarget {
  vaultId: string;
  vaultName: string;
  vaultUri: string;
  secretName: string;
  linkSource: "tags" | "naming" | "confirmed";
  contentType: string | null;
}

/** A certificate rotation's Key Vault certificate: the version replaced and (once created) the new one. */
export interface RotationCertificate {
  vaultId: string;
  vaultName: string;
  vaultUri: string;
  name: string;
  /** SHA-1 thumbprints, hex upper case (as Graph's customKeyIdentifier) */
  oldThumbprint: string;
  oldVersion: string | null;
  newVersion?: string;
  newThumbprint?: string;
}

export const rotations = pgTable(
  "rotations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    appObjectId: text("app_object_id").notNull(),
    appId: text("app_id").notNull(),
    appDisplayName: text("app_display_name").notNull(),
    /** secret: a client secret copied into linked KV secrets; certificate: a key credential from a KV certificate */
    kind: text("kind").$type<"secret" | "certificate">().notNull().default("secret"),
    certificate: jsonb("certificate").$type<RotationCertificate>(),
    /** The credential being replaced (null: the app had none to replace). */
    oldKeyId: text("old_key_id"),
    newKeyId: text("new_key_id"),
    newEndDateTime: timestamp("new_end_date_time", { withTimezone: true }),
    state: text("state").$type<RotationState>().notNull(),
    /** held: the state it stopped in, and why (a public text: never a cloud message that could carry a value). */
    heldFrom: text("held_from").$type<RotationState>(),
    heldReason: text("held_reason"),
    /** Incremented each time the rotation starts over from addPassword (the display name carries it). */
    attempt: integer("attempt").notNull().default(1),
    overlapHours: integer("overlap_hours").notNull(),
    validityDays: integer("validity_days").notNull(),
    overlapUntil: timestamp("overlap_until", { withTimezone: true }),
    targets: jsonb("targets").$type<RotationTarget[]>().notNull(),
    /** After verification, point versioned consumer references at the new version (the Operator's choice in the plan). */
    updateReferences: boolean("update_references").notNull().default(false),
    requestedBy: text("requested_by").notNull(),
    /** manual (an Operator from the console) or auto (the rotation-auto job, N days before expiry) */
    trigger: text("trigger").$type<"manual" | "auto">().notNull().default("manual"),
    /** awaiting_approval → approved (adding) or rejected (cancelled): who and when */
    decidedBy: text("decided_by"),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    lockedBy: text("locked_by"),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("rotations_app_idx").on(t.appObjectId), index("rotations_state_idx").on(t.state)],
);

export type RotationStep =
  | "add_password"
  | "write_secret"
  | "create_certificate"
  | "add_key"
  | "verify"
  | "update_reference"
  | "overlap"
  | "remove_old"
  | "remove_new";

export const rotationSteps = pgTable(
  "rotation_steps",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    rotationId: uuid("rotation_id")
      .notNull()
      .references(() => rotations.id),
    step: text("step").$type<RotationStep>().notNull(),
    /** write_secret: "<vaultName>/<secretName>"; update_reference: "<resourceName>/<setting>"; other steps: "" */
    target: text("target").notNull().default(""),
    status: text("status").$type<"pending" | "running" | "succeeded" | "failed" | "skipped">().notNull(),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
    /** metadata only: the version written, the keyId added or removed */
    detail: jsonb("detail").$type<Record<string, string>>().notNull().default({}),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("rotation_steps_uq").on(t.rotationId, t.step, t.target)],
);

/** An Operator's decision on a suggested (or any) link between a Key Vault secret and an app registration. */
export const rotationLinkDecisions = pgTable(
  "rotation_link_decisions",
  {
    vaultId: text("vault_id").notNull(),
    secretName: text("secret_name").notNull(),
    appObjectId: text("app_object_id").notNull(),
    decision: text("decision").$type<"confirmed" | "rejected">().notNull(),
    decidedBy: text("decided_by").notNull(),
    decidedAt: timestamp("decided_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.vaultId, t.secretName, t.appObjectId] })],
);

/**
 * "Match by hint" results: a Key Vault secret whose current value starts with the 3-character hint Graph gives for one
 * of the app's client secrets. Only the match is kept (which secret, which credential, when) — never the value.
 * A match is a suggestion: it rotates only after an Operator confirms it (rotation_link_decisions).
 */
export const rotationHintMatches = pgTable(
  "rotation_hint_matches",
  {
    vaultId: text("vault_id").notNull(),
    secretName: text("secret_name").notNull(),
    appObjectId: text("app_object_id").notNull(),
    keyId: text("key_id").notNull(),
    matchedBy: text("matched_by").notNull(),
    matchedAt: timestamp("matched_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.vaultId, t.secretName, t.appObjectId] })],
);

/**
 * An Admin's per-app choice for automatic rotation: `always` rotates the app when due whatever the include/exclude
 * patterns say, `never` keeps it out; no row follows the patterns (Settings → Automatic rotation).
 */
export const rotationAppPolicies = pgTable("rotation_app_policies", {
  appObjectId: text("app_object_id").primaryKey(),
  auto: text("auto").$type<"always" | "never">().notNull(),
  decidedBy: text("decided_by").notNull(),
  decidedAt: timestamp("decided_at", { withTimezone: true }).notNull().defaultNow(),
});

export type Rotation = typeof rotations.$inferSelect;
export type RotationStepRow = typeof rotationSteps.$inferSelect;
export type RotationLinkDecision = typeof rotationLinkDecisions.$inferSelect;

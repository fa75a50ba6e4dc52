import { z } from "zod";
import { isValidTimezone, schedulePolicyError } from "../cron";

/**
 * Every setting: its key, schema and default. Reading a missing key yields the default; writes go through
 * updateSetting(), validated against the same schema and audited with old and new values.
 */
export const SETTINGS = {
  /** Expiry thresholds in days: ≤ criticalDays → critical, ≤ warningDays → warning; per-subscription overrides. */
  "expiry.thresholds": {
    schema: z
      .object({
        warningDays: z.number().int().min(1).max(365),
        criticalDays: z.number().int().min(0).max(365),
        perSubscription: z
          .record(
            z.string(),
            z.object({ warningDays: z.number().int().min(1).max(365), criticalDays: z.number().int().min(0).max(365) }),
          )
          .default({}),
      })
      .refine((v) => v.criticalDays < v.warningDays, {
        message: "criticalDays must be smaller than warningDays",
        path: ["criticalDays"],
      }),
    default: { warningDays: 30, criticalDays: 7, perSubscription: {} },
    description: "Expiry thresholds (days)",
  },
  /** The scheduled scan: a cron expression evaluated in `timezone`. */
  "scan.schedule": {
    schema: z.object({
      enabled: z.boolean(),
      cron: z.string().min(9).max(100),
      timezone: z.string().min(1).max(64),
      mode: z.enum(["full", "delta"]),
    }),
    /** What a write must also satisfy (stored values are read leniently so an older row never stops the scheduler). */
    writeRule: (v: { cron: string; timezone: string }) => schedulePolicyError(v.cron, v.timezone),
    default: { enabled: true, cron: "0 */6 * * *", timezone: "UTC", mode: "delta" as const },
    description: "Scheduled scan",
  },
  /** Subscriptions to scan; empty = every subscription the identity can see. */
  "discovery.subscriptions": {
    schema: z.object({
      allowList: z.array(z.string().regex(/^[0-9a-fA-F-]{36}$/, "must be a subscription id (GUID)")).max(1000),
    }),
    default: { allowList: [] as string[] },
    description: "Subscriptions in scope",
  },
  /** Scanner concurrency: requests in flight overall and per vault. */
  "discovery.concurrency": {
    schema: z.object({
      global: z.number().int().min(1).max(256),
      perVault: z.number().int().min(1).max(16),
      /** grow the global limit while latency is flat; back off per vault / subscription on 429 (lib/discovery/scan-limits.ts) */
      adaptive: z.boolean().default(true),
    }),
    default: { global: 32, perVault: 4, adaptive: true },
    description: "Scanner concurrency",
  },
  /**
   * Compliance rules switched on or off and their parameters, by rule id. Each rule's parameters are validated by the
   * rule's own schema in lib/compliance (updateRuleSetting) before they are stored; here only the shape.
   */
  "compliance.rules": {
    schema: z.record(
      z.string().max(64),
      z.object({ enabled: z.boolean().optional(), params: z.record(z.string(), z.unknown()).optional() }).strict(),
    ),
    default: {} as Record<string, { enabled?: boolean; params?: Record<string, unknown> }>,
    description: "Compliance rules",
  },
  /** Generated reports: how long they are kept, and the monthly evidence package (1st of the month, previous month). */
  "reports.retention": {
    schema: z.object({ days: z.number().int().min(7).max(3650) }),
    default: { days: 400 },
    description: "Report retention",
  },
  /** Alert delivery history: finished rows (delivered, failed, digested) older than this are deleted. */
  "alerts.history": {
    schema: z.object({ days: z.number().int().min(7).max(3650) }),
    default: { days: 90 },
    description: "Alert history retention",
  },
  "reports.monthly": {
    schema: z.object({ enabled: z.boolean() }),
    default: { enabled: true },
    description: "Monthly evidence package",
  },
  /**
   * Client-secret rotation: the new secret's validity, how long the old one stays valid after the new one is verified,
   * and the secret-name patterns that link a Key Vault secret to an app (`{appSlug}`, `{appName}`, `{appId}`).
   */
  "rotation.policy": {
    schema: z.object({
      validityDays: z.number().int().min(1).max(730),
      overlapHours: z
        .number()
        .int()
        .min(0)
        .max(24 * 30),
      namingPatterns: z
        .array(
          z
            .string()
            .min(3)
            .max(127)
            .regex(/^[A-Za-z0-9{}-]+$/, "letters, digits, dashes and {appSlug} / {appName} / {appId}"),
        )
        .max(10),
      /** "Match by hint" reads candidate secrets' values (in memory only): off unless an Admin allows it */
      matchByHint: z.boolean().default(false),
    }),
    default: {
      validityDays: 180,
      overlapHours: 24,
      namingPatterns: ["app-{appSlug}-client-secret", "{appSlug}-client-secret"] as string[],
      matchByHint: false,
    },
    description: "Rotation",
  },
  /**
   * Automatic rotation: apps whose client secret (the one a rotation would replace) expires within `daysBeforeExpiry`
   * are rotated by the rotation-auto job, only inside the maintenance window (weekdays and hours in `timezone`), and
   * only apps matching `include` and not `exclude` (globs on display name or appId). `requireApproval` holds every
   * rotation, manual or automatic, until an Admin other than its requester approves it.
   */
  "rotation.auto": {
    schema: z.object({
      enabled: z.boolean(),
      daysBeforeExpiry: z.number().int().min(1).max(365),
      windowDays: z.array(z.number().int().min(0).max(6)).min(1).max(7),
      windowStartHour: z.number().int().min(0).max(23),
      windowEndHour: z.number().int().min(1).max(24),
      timezone: z.string().min(1).max(64),
      requireApproval: z.boolean(),
      updateReferences: z.boolean(),
      include: z.array(z.string().min(1).max(128)).max(50),
      exclude: z.array(z.string().min(1).max(128)).max(50),
    }),
    writeRule: (v: { windowStartHour: number; windowEndHour: number; timezone: string }) =>
      v.windowEndHour <= v.windowStartHour
        ? "The window must end after it starts (hours 0–24, same day)."
        : isValidTimezone(v.timezone)
          ? null
          : `Unknown timezone "${v.timezone}".`,
    default: {
      enabled: false,
      daysBeforeExpiry: 30,
      windowDays: [1, 2, 3, 4] as number[],
      windowStartHour: 2,
      windowEndHour: 6,
      timezone: "UTC",
      requireApproval: false,
      updateReferences: true,
      include: ["*"] as string[],
      exclude: [] as string[],
    },
    description: "Automatic rotation",
  },
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.infer<(typeof SETTINGS)[K]["schema"]>;

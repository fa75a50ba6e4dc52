import { z } from "zod";
import { isValidTimezone, nextCronRun, schedulePolicyError } from "../cron";
import { text, wholeNumber } from "../validation";

/**
 * The console's settings forms post strings; these schemas turn them into the setting values that
 * updateSetting() validates again (and audits). Checks a form can make better than the stored schema —
 * a cron expression that parses, a timezone that exists — live here so errors name the field.
 */
/** An HTML checkbox posts "on" when ticked and nothing when not; JSON callers may send a boolean. */
const checkbox = z
  .union([z.boolean(), z.enum(["on", "true", "false", "off"], { error: "Enabled must be on or off." })])
  .optional()
  .transform((v) => v === true || v === "on" || v === "true");

export const thresholdsForm = z
  .object({
    warningDays: wholeNumber(1, 365, "Warning (days)"),
    criticalDays: wholeNumber(0, 365, "Critical (days)"),
  })
  .strict();

export const scheduleForm = z
  .object({
    enabled: checkbox,
    cron: text(100, { min: 1, label: "The cron expression" }),
    timezone: text(64, { min: 1, label: "The timezone" }),
    mode: z.enum(["full", "delta"], { error: "Choose full or delta." }),
  })
  .strict()
  .superRefine((v, ctx) => {
    const problem = schedulePolicyError(v.cron, v.timezone);
    if (problem)
      ctx.addIssue({ code: "custom", path: [problem.includes("timezone") ? "timezone" : "cron"], message: problem });
  });

export const allowListForm = z.object({
  allowList: z.preprocess(
    (v) => (Array.isArray(v) ? v : typeof v === "string" ? v.split(/[\s,;]+/).filter(Boolean) : v),
    z
      .array(
        z
          .string()
          .trim()
          .toLowerCase()
          .regex(
            /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
            "Each entry must be a subscription id (GUID).",
          ),
      )
      .max(1000),
  ),
});

/** Settings → Rotation: validity, overlap, and the naming patterns one per line (or comma-separated). */
export const rotationForm = z
  .object({
    validityDays: wholeNumber(1, 730, "Validity (days)"),
    overlapHours: wholeNumber(0, 720, "Overlap (hours)"),
    namingPatterns: z.preprocess(
      (v) => (Array.isArray(v) ? v : typeof v === "string" ? v.split(/[\s,;]+/).filter(Boolean) : v),
      z
        .array(
          z
            .string()
            .min(3, "Each pattern needs at least 3 characters.")
            .max(127)
            .regex(/^[A-Za-z0-9{}-]+$/, "Patterns use letters, digits, dashes and {appSlug}, {appName}, {appId}."),
        )
        .max(10, "At most 10 patterns."),
    ),
    matchByHint: checkbox,
  })
  .strict();

/** Comma / space / newline separated list → trimmed entries (patterns, weekdays). */
const list = (v: unknown) => (Array.isArray(v) ? v : typeof v === "string" ? v.split(/[\s,;]+/).filter(Boolean) : v);
const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/** Settings → Automatic rotation: when, for which apps, and whether an Admin approves each rotation. */
export const rotationAutoForm = z
  .object({
    enabled: checkbox,
    daysBeforeExpiry: wholeNumber(1, 365, "Days before expiry"),
    windowDays: z.preprocess(
      list,
      z
        .array(
          z
            .string()
            .transform((d) => WEEKDAYS.indexOf(d.slice(0, 3).toLowerCase()))
            .refine((d) => d >= 0, "Days are weekday names: Mon, Tue, … Sun."),
        )
        .min(1, "Name at least one day.")
        .transform((d) => [...new Set(d)].sort()),
    ),
    windowStartHour: wholeNumber(0, 23, "Window start (hour)"),
    windowEndHour: wholeNumber(1, 24, "Window end (hour)"),
    // named apart from the scan schedule's "timezone": both forms share the settings page (field ids are names)
    windowTimezone: text(64, { min: 1, label: "The timezone" }),
    requireApproval: checkbox,
    updateReferences: checkbox,
    include: z.preprocess(list, z.array(z.string().max(128)).max(50, "At most 50 patterns.")),
    exclude: z.preprocess(list, z.array(z.string().max(128)).max(50, "At most 50 patterns.")),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.windowEndHour <= v.windowStartHour)
      ctx.addIssue({ code: "custom", path: ["windowEndHour"], message: "The window must end after it starts." });
    if (!isValidTimezone(v.windowTimezone))
      ctx.addIssue({ code: "custom", path: ["windowTimezone"], message: `Unknown timezone "${v.windowTimezone}".` });
  })
  .transform(({ windowTimezone, ...v }) => ({ ...v, timezone: windowTimezone }));

/** Settings → Scanner concurrency. */
export const concurrencyForm = z
  .object({
    global: wholeNumber(1, 256, "In all"),
    perVault: wholeNumber(1, 16, "Per vault"),
    adaptive: checkbox,
  })
  .strict();

export const alertHistoryForm = z.object({ days: wholeNumber(7, 3650, "Days kept") }).strict();

/** The next few firings of a schedule, for the settings page preview (empty when it cannot be evaluated). */
export function nextRuns(cron: string, timezone: string, count = 3, from = new Date()): Date[] {
  const out: Date[] = [];
  try {
    let at = from;
    for (let i = 0; i < count; i++) {
      at = nextCronRun(cron, timezone, at);
      out.push(at);
    }
  } catch {
    return [];
  }
  return out;
}

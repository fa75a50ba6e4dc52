import { z } from "zod";
import { isValidTimezone, nextCronRun } from "../cron";

/**
 * The console's settings forms post strings; these schemas turn them into the setting values that
 * updateSetting() validates again (and audits). Checks a form can make better than the stored schema —
 * a cron expression that parses, a timezone that exists — live here so errors name the field.
 */
const int = (label: string) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v),
    z.number({ error: `${label} must be a whole number of days.` }).int(`${label} must be a whole number of days.`),
  );

export const thresholdsForm = z.object({ warningDays: int("Warning"), criticalDays: int("Critical") });

export const scheduleForm = z
  .object({
    enabled: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
    cron: z.string().trim().min(1, "Enter a cron expression.").max(100),
    timezone: z.string().trim().min(1, "Enter an IANA timezone, e.g. UTC or Europe/Paris.").max(64),
    mode: z.enum(["full", "delta"], { error: "Choose full or delta." }),
  })
  .superRefine((v, ctx) => {
    if (!isValidTimezone(v.timezone))
      ctx.addIssue({
        code: "custom",
        path: ["timezone"],
        message: `Unknown timezone "${v.timezone}". Use an IANA name such as UTC or Europe/Paris.`,
      });
    else if (v.cron.split(/\s+/).length < 5)
      ctx.addIssue({
        code: "custom",
        path: ["cron"],
        message: "Use five fields: minute hour day-of-month month day-of-week.",
      });
    else
      try {
        nextCronRun(v.cron, v.timezone, new Date());
      } catch {
        ctx.addIssue({
          code: "custom",
          path: ["cron"],
          message: "This is not a valid cron expression (minute hour day-of-month month day-of-week).",
        });
      }
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

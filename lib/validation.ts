/**
 * The input vocabulary every schema builds on, so hostile input is refused the same way everywhere: text without
 * control characters (a NUL byte would otherwise reach PostgreSQL), whole numbers written in decimal only (`0x1E`,
 * `1e1` and `0b11` are not 30, 10 and 3), dates in ISO 8601 with a four-digit year (PostgreSQL and JavaScript
 * disagree beyond that), and GUIDs.
 */
import { z, ZodError } from "zod";

/** C0 controls and DEL. Tabs and line breaks are refused too: every text field here is a single line. */
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export function hasControlChars(s: string): boolean {
  return CONTROL_CHARS.test(s);
}

/** A trimmed single-line text of at most `max` characters (and at least `min`, default 0). */
export function text(max: number, { min = 0, label = "This value" }: { min?: number; label?: string } = {}) {
  return z
    .string()
    .refine((s) => !hasControlChars(s), `${label} must not contain control characters.`)
    .transform((s) => s.trim())
    .pipe(
      z
        .string()
        .min(min, min === 1 ? `${label} must not be empty.` : `${label} must have at least ${min} characters.`)
        .max(max, `${label} must have at most ${max} characters.`),
    );
}

const DECIMAL = /^[+-]?\d{1,15}$/;

/** A whole number, from a JSON number or a decimal string only. */
export function wholeNumber(min: number, max: number, label = "This value") {
  const message = `${label} must be a whole number from ${min} to ${max}.`;
  return z
    .union([z.number(), z.string().trim().regex(DECIMAL, message).transform(Number)], { error: message })
    .pipe(z.number({ error: message }).int(message).min(min, message).max(max, message));
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses YYYY-MM-DD (start of that UTC day) or a full ISO 8601 date-time with a zone; null when not a real date. */
export function parseIsoDate(s: string): { at: Date; dateOnly: boolean } | null {
  const d = ISO_DATE.exec(s) ?? ISO_DATE_TIME.exec(s);
  if (!d) return null;
  const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  if (y < 1 || m < 1 || m > 12 || day < 1) return null;
  const dateOnly = d[0].length === 10;
  const at = new Date(dateOnly ? `${s}T00:00:00Z` : s);
  if (Number.isNaN(at.getTime())) return null;
  // Date rolls 2024-02-30 over to March: a real date survives the round trip.
  const back = new Date(Date.UTC(y, m - 1, day));
  if (back.getUTCMonth() !== m - 1 || back.getUTCDate() !== day) return null;
  return { at, dateOnly };
}

const DAY_MS = 86_400_000;

/**
 * A date bound of a period. A date-only `end` bound means the whole day (until 23:59:59.999 UTC), so "from
 * 2026-01-01 to 2026-01-31" includes the 31st.
 */
export function isoDate(bound: "start" | "end", label = "The date") {
  return z.union([z.string(), z.date()]).transform((v, ctx) => {
    if (v instanceof Date) {
      if (Number.isNaN(v.getTime()) || v.getUTCFullYear() < 1 || v.getUTCFullYear() > 9999) {
        ctx.addIssue({ code: "custom", message: `${label} is not a valid date.` });
        return z.NEVER;
      }
      return v;
    }
    const p = parseIsoDate(v.trim());
    if (!p) {
      ctx.addIssue({ code: "custom", message: `${label} must be a date like 2026-01-31 or 2026-01-31T12:00:00Z.` });
      return z.NEVER;
    }
    return bound === "end" && p.dateOnly ? new Date(p.at.getTime() + DAY_MS - 1) : p.at;
  });
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A GUID (e.g. a subscription id), lower-cased. */
export function guid(label = "This value") {
  return z
    .string()
    .trim()
    .regex(GUID, `${label} must be a GUID like 00000000-0000-0000-0000-000000000000.`)
    .transform((s) => s.toLowerCase());
}

/**
 * Where a control character sits in a parsed request (query, JSON body, form, route params): the path to the first
 * string value or key that carries one, or null. Keys count too: they become paths in error messages and logs.
 */
export function findControlChars(
  value: unknown,
  path: (string | number)[] = [],
  depth = 0,
): (string | number)[] | null {
  // Deeper structures are the schemas' to refuse; this walk only needs to be bounded.
  if (depth > 32) return null;
  if (typeof value === "string") return hasControlChars(value) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = findControlChars(value[i], [...path, i], depth + 1);
      if (p) return p;
    }
    return null;
  }
  if (value && typeof value === "object" && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) {
      if (hasControlChars(k)) return [...path, k.replace(new RegExp(CONTROL_CHARS, "g"), "?")];
      const p = findControlChars(v, [...path, k], depth + 1);
      if (p) return p;
    }
  }
  return null;
}

/**
 * The transports' one control-character check, before any schema runs: a request whose text carries one is refused
 * as invalid input (400 with the field's path in the API, a result error in an action), whatever the field's schema
 * says — an enum, an id, a key no schema reads.
 */
export function assertNoControlChars(value: unknown): void {
  const path = findControlChars(value);
  if (!path) return;
  throw new ZodError([
    {
      code: "custom",
      path: path.map((p) => (typeof p === "string" ? p.slice(0, 100) : p)),
      message: "This value must not contain control characters.",
      input: undefined,
    },
  ]);
}

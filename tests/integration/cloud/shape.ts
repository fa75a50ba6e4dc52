// Recursive JSON shape comparison for contract tests: same field names and JSON types as an official example.
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../cloud/ensure-ca.mjs";

export const EXAMPLES_DIR = path.join(REPO_ROOT, "tests", "cloud", "contract-examples");

export function example(rel: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, rel), "utf8"));
}

/** the wire body of an autorest x-ms-examples file */
export function exampleBody(rel: string, status = "200"): unknown {
  const e = example(rel) as { responses: Record<string, { body: unknown }> };
  return e.responses[status].body;
}

export type JsonType = "null" | "boolean" | "number" | "string" | "array" | "object";
export const typeOf = (v: unknown): JsonType =>
  v === null ? "null" : Array.isArray(v) ? "array" : (typeof v as JsonType);

export interface ShapeRules {
  /**
   * paths (dotted, arrays as [], '*' matches one segment) where the local cloud may carry fields the example lacks.
   * Every entry must say why in the test (see EXTRA_REASONS there).
   */
  extra?: string[];
  /** paths the example has but the local cloud may omit (optional in the API schema) */
  optional?: string[];
  /** paths where the local cloud may answer null although the example has a value (unset, per the API schema) */
  nullable?: string[];
  /** paths whose type may differ (documented example errata) */
  anyType?: string[];
  /**
   * paths holding free-form maps (keys are data, not schema): only the value types are compared. Fields named in
   * MAP_FIELDS (tags, labels, annotations, VersionIdsToStages, SecretVersionsToStages) are maps everywhere.
   */
  maps?: string[];
}

export const MAP_FIELDS = ["tags", "labels", "annotations", "VersionIdsToStages", "SecretVersionsToStages"];

function matches(patterns: string[] | undefined, p: string): boolean {
  if (!patterns) return false;
  return patterns.some((pat) => {
    if (pat === p) return true;
    const re = new RegExp(
      "^" +
        pat
          .split(".")
          .map((s) => (s === "*" ? "[^.]+" : s.replace(/[[\]$()+?^{}|\\]/g, "\\$&")))
          .join("\\.") +
        "(\\..*)?$",
    );
    return re.test(p);
  });
}

/** Returns a list of human-readable differences (empty = same shape). Example null = any type is fine. */
export function shapeDiff(expected: unknown, actual: unknown, rules: ShapeRules = {}, p = "$"): string[] {
  const out: string[] = [];
  const te = typeOf(expected),
    ta = typeOf(actual);
  if (te === "null") return out;
  if (te !== ta) {
    if (ta === "null" && matches(rules.nullable, p)) return out;
    if (matches(rules.anyType, p)) return out;
    return [`${p}: expected ${te}, got ${ta}`];
  }
  if (te === "array") {
    const ea = expected as unknown[],
      aa = actual as unknown[];
    if (ea.length && aa.length)
      for (let i = 0; i < Math.min(aa.length, 3); i++)
        out.push(...shapeDiff(ea[Math.min(i, ea.length - 1)], aa[i], rules, `${p}[]`));
    return dedupe(out);
  }
  if (te === "object") {
    const eo = expected as Record<string, unknown>,
      ao = actual as Record<string, unknown>;
    if (MAP_FIELDS.includes(p.split(".").pop()!) || matches(rules.maps, p)) {
      const sample = Object.values(eo)[0];
      if (sample !== undefined)
        for (const [k, v] of Object.entries(ao)) out.push(...shapeDiff(sample, v, rules, `${p}.<${k}>`));
      return dedupe(out);
    }
    for (const k of Object.keys(eo)) {
      const cp = `${p}.${k}`;
      if (!(k in ao)) {
        if (!matches(rules.optional, cp)) out.push(`${cp}: missing`);
        continue;
      }
      out.push(...shapeDiff(eo[k], ao[k], rules, cp));
    }
    for (const k of Object.keys(ao))
      if (!(k in eo) && !matches(rules.extra, `${p}.${k}`)) out.push(`${p}.${k}: extra field`);
  }
  return out;
}

function dedupe(a: string[]) {
  return [...new Set(a)];
}

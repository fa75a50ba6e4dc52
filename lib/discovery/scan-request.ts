/**
 * The one shape of a scan request, parsed by the console's start-scan form, POST /api/scans and requestScan alike.
 * Lists may arrive as arrays (JSON) or comma/newline-separated text (forms). Parsing is idempotent: a transport
 * validates with it (issues per field for the form) and hands the parsed value to requestScan, which parses again.
 */
import { z } from "zod";
import type { ScanRun } from "../db/schema";
import { guid } from "../validation";

const list = <T extends z.ZodType>(item: T, maxItems: number) =>
  z.preprocess(
    (v) =>
      v === undefined || v === null || v === "" ? [] : typeof v === "string" ? v.split(/[\s,]+/).filter(Boolean) : v,
    z.array(item).max(maxItems),
  );

export const scanRequestInput = z
  .object({
    mode: z.enum(["full", "delta", "forced"], { error: "Choose full, delta or forced." }),
    scope: z.enum(["all", "subscriptions", "vaults"]).default("all"),
    subscriptions: list(guid("Each subscription"), 1000).default([]),
    /** vault names or ARM ids */
    vaults: list(z.string().trim().toLowerCase().min(1).max(500), 10_000).default([]),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.scope === "subscriptions" && v.subscriptions.length === 0)
      ctx.addIssue({ code: "custom", path: ["subscriptions"], message: "Choose at least one subscription." });
    if (v.scope === "vaults" && v.vaults.length === 0)
      ctx.addIssue({ code: "custom", path: ["vaults"], message: "Choose at least one vault." });
  });
/** What callers pass (lists as arrays or text, defaults optional). */
export type ScanRequestInput = z.input<typeof scanRequestInput>;
export type ScanRequest = z.output<typeof scanRequestInput>;

/** The scope stored with the run: the chosen list only, each entry once; empty = everything in scope. */
export function storedScope(r: ScanRequest): ScanRun["scope"] {
  if (r.scope === "subscriptions") return { subscriptions: [...new Set(r.subscriptions)] };
  if (r.scope === "vaults") return { vaults: [...new Set(r.vaults)] };
  return {};
}

import { z } from "zod";

/**
 * What the console's start-scan form (and POST /api/scans) accepts, before it becomes discovery's
 * requestScan input. Lists may arrive as arrays (JSON) or comma/newline-separated text (forms).
 */
const list = z.preprocess(
  (v) =>
    v === undefined || v === null || v === "" ? [] : typeof v === "string" ? v.split(/[\s,]+/).filter(Boolean) : v,
  z.array(z.string().trim().toLowerCase().min(1).max(1000)).max(1000),
);

export const startScanInput = z
  .object({
    mode: z.enum(["full", "delta", "forced"], { error: "Choose full, delta or forced." }),
    scope: z.enum(["all", "subscriptions", "vaults"]).default("all"),
    subscriptions: list.default([]),
    vaults: list.default([]),
  })
  .superRefine((v, ctx) => {
    if (v.scope === "subscriptions" && v.subscriptions.length === 0)
      ctx.addIssue({ code: "custom", path: ["subscriptions"], message: "Choose at least one subscription." });
    if (v.scope === "vaults" && v.vaults.length === 0)
      ctx.addIssue({ code: "custom", path: ["vaults"], message: "Choose at least one vault." });
  });
export type StartScanInput = z.infer<typeof startScanInput>;

export function toScanRequest(i: StartScanInput): {
  mode: "full" | "delta" | "forced";
  scope?: { subscriptions?: string[]; vaults?: string[] };
} {
  if (i.scope === "subscriptions") return { mode: i.mode, scope: { subscriptions: i.subscriptions } };
  if (i.scope === "vaults") return { mode: i.mode, scope: { vaults: i.vaults } };
  return { mode: i.mode };
}

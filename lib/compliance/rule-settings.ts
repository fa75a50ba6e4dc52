/**
 * Settings → Compliance: a rule switched on or off and its parameters, validated by the rule's own schema, stored in
 * the `compliance.rules` setting through updateSetting (audited with old and new values in its transaction). The
 * next evaluation sees a new rules fingerprint and evaluates everything again.
 */
import { z } from "zod";
import { assertPermission } from "../auth/authorize";
import type { Ctx } from "../context";
import { dbOf } from "../db/transaction";
import { AppError } from "../errors";
import { getSetting, updateSetting } from "../settings/store";
import { RULES, ruleById } from "./catalogue";

export const updateRuleInput = z
  .object({
    ruleId: z.string().max(64),
    enabled: z.boolean(),
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export async function updateRuleSetting({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertPermission(ctx, "settings:write");
  const { ruleId, enabled, params } = updateRuleInput.parse(input);
  const rule = ruleById(ruleId);
  if (!rule) throw new AppError("not_found", "Unknown rule.");
  const parsed = rule.params.safeParse(params);
  if (!parsed.success)
    throw new AppError("invalid_input", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  return updateSetting({
    ctx,
    input: { key: "compliance.rules", value: { [ruleId]: { enabled, params: parsed.data } }, merge: true },
  });
}

/** Every rule with the settings in force (defaults where none are stored). */
export async function ruleSettings(ctx: Ctx) {
  assertPermission(ctx, "dashboard:read");
  const stored = await getSetting(await dbOf(ctx), "compliance.rules");
  return RULES.map((r) => {
    const s = stored[r.id];
    let params: Record<string, unknown>;
    try {
      params = r.params.parse(s?.params ?? {}) as Record<string, unknown>;
    } catch {
      params = r.params.parse({}) as Record<string, unknown>;
    }
    return { rule: r, enabled: s?.enabled ?? r.enabledByDefault, params, customised: !!s };
  });
}

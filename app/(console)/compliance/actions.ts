"use server";

import { revalidatePath } from "next/cache";
import { updateRuleInput, updateRuleSetting } from "@/lib/compliance/rule-settings";
import {
  decideWaiver as decideWaiverVerb,
  decideWaiverInput,
  proposeWaiver as proposeWaiverVerb,
  proposeWaiverInput,
  proposeWaivers as proposeWaiversVerb,
  proposeWaiversInput,
} from "@/lib/compliance/waivers";
import { action } from "@/lib/web/action";

/** Findings list → "Propose waiver" for the selected findings (Operator+). */
export const proposeWaivers = action(
  { name: "proposeWaivers", access: "waivers:propose", input: proposeWaiversInput },
  async ({ ctx, input }) => {
    const r = await proposeWaiversVerb({ ctx, input });
    revalidatePath("/compliance/waivers");
    return { proposed: r.proposed };
  },
);

/** Waivers page → a waiver over a rule and a scope (Operator+). */
export const proposeWaiver = action(
  { name: "proposeWaiver", access: "waivers:propose", input: proposeWaiverInput },
  async ({ ctx, input }) => {
    const w = await proposeWaiverVerb({ ctx, input });
    revalidatePath("/compliance/waivers");
    return { id: w.id };
  },
);

/** Waivers page → approve or reject someone else's proposal (Admin; four eyes checked by the verb). */
export const decideWaiver = action(
  { name: "decideWaiver", access: "waivers:decide", input: decideWaiverInput },
  async ({ ctx, input }) => {
    const w = await decideWaiverVerb({ ctx, input });
    revalidatePath("/compliance", "layout");
    return { id: w.id, status: w.status };
  },
);

/** Settings → Compliance: a rule on or off and its parameters (Admin, audited). */
export const updateRule = action(
  { name: "updateRule", access: "settings:write", input: updateRuleInput },
  async ({ ctx, input }) => {
    await updateRuleSetting({ ctx, input });
    revalidatePath("/compliance/rules", "layout");
    return { ruleId: input.ruleId };
  },
);

"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import {
  createChannel as createChannelVerb,
  createChannelInput,
  createRule as createRuleVerb,
  deleteChannel as deleteChannelVerb,
  deleteRule as deleteRuleVerb,
  previewRule as previewRuleVerb,
  ruleInput,
  sendTestAlert as sendTestVerb,
  updateChannel as updateChannelVerb,
  updateChannelInput,
  updateRule as updateRuleVerb,
  updateRuleInput,
} from "@/lib/alerts";
import { alertHistoryForm } from "@/lib/settings/forms";
import { updateSetting } from "@/lib/settings/store";
import { action } from "@/lib/web/action";

const idInput = z.strictObject({ id: z.uuid() });
const done = <T>(r: T) => {
  revalidatePath("/alerts");
  return r;
};

export const createChannel = action(
  { name: "createAlertChannel", access: "alerts:write", input: createChannelInput },
  async ({ ctx, input }) => done(await createChannelVerb({ ctx, input })),
);
export const updateChannel = action(
  { name: "updateAlertChannel", access: "alerts:write", input: updateChannelInput },
  async ({ ctx, input }) => done(await updateChannelVerb({ ctx, input })),
);
export const deleteChannel = action(
  { name: "deleteAlertChannel", access: "alerts:write", input: idInput },
  async ({ ctx, input }) => done(await deleteChannelVerb({ ctx, input })),
);
export const sendTest = action(
  { name: "sendTestAlert", access: "alerts:write", input: idInput },
  async ({ ctx, input }) => done(await sendTestVerb({ ctx, input })),
);
export const createRule = action(
  { name: "createAlertRule", access: "alerts:write", input: ruleInput },
  async ({ ctx, input }) => done(await createRuleVerb({ ctx, input })),
);
export const updateRule = action(
  { name: "updateAlertRule", access: "alerts:write", input: updateRuleInput },
  async ({ ctx, input }) => done(await updateRuleVerb({ ctx, input })),
);
export const deleteRule = action(
  { name: "deleteAlertRule", access: "alerts:write", input: idInput },
  async ({ ctx, input }) => done(await deleteRuleVerb({ ctx, input })),
);
export const previewRule = action(
  { name: "previewAlertRule", access: "alerts:write", input: z.record(z.string(), z.unknown()) },
  async ({ ctx, input }) => previewRuleVerb({ ctx, input }),
);

/** Delivery history → how long finished deliveries are kept (Admin; the alert-history-retention job deletes older). */
export const updateHistoryRetention = action(
  { name: "updateHistoryRetention", access: "settings:write", input: alertHistoryForm },
  async ({ ctx, input }) => {
    const r = await updateSetting({ ctx, input: { key: "alerts.history", value: input } });
    revalidatePath("/alerts/history");
    return r.value;
  },
);

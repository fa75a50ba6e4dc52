"use server";

import { revalidatePath } from "next/cache";
import {
  allowListForm,
  concurrencyForm,
  rotationAutoForm,
  rotationForm,
  scheduleForm,
  thresholdsForm,
} from "@/lib/settings/forms";
import { updateSetting } from "@/lib/settings/store";
import { action } from "@/lib/web/action";

/** Settings → expiry thresholds (Admin). Per-subscription overrides are kept as they are. */
export const updateThresholds = action(
  { name: "updateThresholds", access: "settings:write", input: thresholdsForm },
  async ({ ctx, input }) => {
    const r = await updateSetting({ ctx, input: { key: "expiry.thresholds", value: input, merge: true } });
    revalidatePath("/settings");
    return r.value;
  },
);

/** Settings → scheduled scan (Admin). */
export const updateSchedule = action(
  { name: "updateSchedule", access: "settings:write", input: scheduleForm },
  async ({ ctx, input }) => {
    const r = await updateSetting({ ctx, input: { key: "scan.schedule", value: input } });
    revalidatePath("/settings");
    return r.value;
  },
);

/** Settings → subscriptions in scope (Admin). Empty = every subscription the scanner identity can see. */
export const updateAllowList = action(
  { name: "updateAllowList", access: "settings:write", input: allowListForm },
  async ({ ctx, input }) => {
    const r = await updateSetting({
      ctx,
      input: { key: "discovery.subscriptions", value: { allowList: [...new Set(input.allowList)] } },
    });
    revalidatePath("/settings");
    return r.value;
  },
);

/** Settings → Rotation (Admin): new secrets' validity, the overlap, the naming patterns that link secrets to apps. */
export const updateRotation = action(
  { name: "updateRotation", access: "settings:write", input: rotationForm },
  async ({ ctx, input }) => {
    const r = await updateSetting({ ctx, input: { key: "rotation.policy", value: input } });
    revalidatePath("/settings");
    return r.value;
  },
);

/** Settings → Automatic rotation (Admin): days before expiry, the maintenance window, approval, app patterns. */
export const updateRotationAuto = action(
  { name: "updateRotationAuto", access: "settings:write", input: rotationAutoForm },
  async ({ ctx, input }) => {
    const r = await updateSetting({
      ctx,
      input: { key: "rotation.auto", value: { ...input, include: input.include.length ? input.include : ["*"] } },
    });
    revalidatePath("/settings");
    return r.value;
  },
);

/** Settings → Scanner concurrency (Admin): calls in flight in all and per vault, adaptive or fixed. */
export const updateConcurrency = action(
  { name: "updateConcurrency", access: "settings:write", input: concurrencyForm },
  async ({ ctx, input }) => {
    const r = await updateSetting({ ctx, input: { key: "discovery.concurrency", value: input } });
    revalidatePath("/settings");
    return r.value;
  },
);

"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import {
  decideLink,
  decideRotation,
  matchByHint,
  planRotation,
  retryRotation,
  setAppAutoRotation,
  startRotation,
} from "@/lib/rotation";
import { action } from "@/lib/web/action";

const appInput = z.object({ appObjectId: z.string().min(1).max(200), keyId: z.string().max(64).optional() });

/** App page → the dry run shown before a rotation (Operator+). Calls ARM for the consumers; changes nothing. */
export const planRotationAction = action(
  { name: "planRotation", access: "rotation:run", input: appInput },
  async ({ ctx, input }) => {
    const p = await planRotation({ ctx, input });
    return {
      ...p,
      newEndDateTime: p.newEndDateTime.toISOString(),
      replaces: p.replaces ? { ...p.replaces, endDateTime: p.replaces.endDateTime?.toISOString() ?? null } : null,
      targets: p.targets.map((t) => ({ ...t, newExpiry: t.newExpiry.toISOString() })),
    };
  },
);

/** App page → confirm the plan: the rotation worker executes it (Operator+). */
export const startRotationAction = action(
  {
    name: "startRotation",
    access: "rotation:run",
    input: appInput.extend({ updateReferences: z.boolean().optional() }),
  },
  async ({ ctx, input }) => {
    const r = await startRotation({ ctx, input });
    revalidatePath(`/apps/${encodeURIComponent(input.appObjectId)}`);
    return r;
  },
);

/** Rotation page → resume a held rotation from the step it stopped at (Operator+). */
export const retryRotationAction = action(
  { name: "retryRotation", access: "rotation:run", input: z.object({ rotationId: z.uuid() }) },
  async ({ ctx, input }) => {
    const r = await retryRotation({ ctx, input });
    revalidatePath(`/rotations/${input.rotationId}`);
    return r;
  },
);

/** Rotation page → approve or reject a rotation awaiting approval (Admin, not its requester). */
export const decideRotationAction = action(
  {
    name: "decideRotation",
    access: "rotation:approve",
    input: z.object({ rotationId: z.uuid(), decision: z.enum(["approve", "reject"]) }),
  },
  async ({ ctx, input }) => {
    const r = await decideRotation({ ctx, input });
    revalidatePath(`/rotations/${input.rotationId}`);
    return r;
  },
);

/** App page → confirm or reject a suggested link (Operator+). */
export const decideLinkAction = action(
  {
    name: "decideLink",
    access: "rotation:run",
    input: z.object({
      appObjectId: z.string().min(1).max(200),
      vaultId: z.string().min(1).max(400),
      secretName: z.string().min(1).max(127),
      decision: z.enum(["confirmed", "rejected"]),
    }),
  },
  async ({ ctx, input }) => {
    const r = await decideLink({ ctx, input });
    revalidatePath(`/apps/${encodeURIComponent(input.appObjectId)}`);
    return r;
  },
);

/** App page → "match by hint" (Operator+, when an Admin allowed it): an audited value read of candidate secrets. */
export const matchByHintAction = action(
  { name: "matchByHint", access: "rotation:run", input: z.object({ appObjectId: z.string().min(1).max(200) }) },
  async ({ ctx, input }) => {
    const r = await matchByHint({ ctx, input });
    revalidatePath(`/apps/${encodeURIComponent(input.appObjectId)}`);
    return r;
  },
);

/** App page → this app's automatic rotation: follow the patterns, always, or never (Admin). */
export const setAppAutoRotationAction = action(
  {
    name: "setAppAutoRotation",
    access: "settings:write",
    input: z.object({ appObjectId: z.string().min(1).max(200), auto: z.enum(["rules", "always", "never"]) }),
  },
  async ({ ctx, input }) => {
    const r = await setAppAutoRotation({ ctx, input });
    revalidatePath(`/apps/${encodeURIComponent(input.appObjectId)}`);
    return r;
  },
);

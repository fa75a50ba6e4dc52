"use server";

import { revalidatePath } from "next/cache";
import { revokeSession as revokeSessionVerb, revokeSessionInput } from "@/lib/sessions";
import { action } from "@/lib/web/action";

/** Revokes one session from Settings → Sessions (Admin). */
export const revokeSession = action(
  { name: "revokeSession", access: "sessions:manage", input: revokeSessionInput },
  async ({ ctx, input }) => {
    const result = await revokeSessionVerb({ ctx, input });
    revalidatePath("/settings/sessions");
    return result;
  },
);

import { revokeSession, revokeSessionInput } from "@/lib/sessions";
import { route } from "@/lib/web/route";
import { z } from "zod";

/** Revokes one session (Admin); it stops working on its next request. */
export const DELETE = route(
  { name: "DELETE /api/sessions/:id", access: "sessions:manage", input: z.object({ id: z.string().uuid() }) },
  async ({ ctx, input }) => revokeSession({ ctx, input: revokeSessionInput.parse({ sessionId: input.id }) }),
);

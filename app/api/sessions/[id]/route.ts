import { revokeSession, revokeSessionInput } from "@/lib/sessions";
import { route, routeMethods } from "@/lib/web/route";
import { z } from "zod";

/** Revokes one session (Admin); it stops working on its next request. */
const deleteHandler = route(
  { name: "DELETE /api/sessions/:id", access: "sessions:manage", input: z.object({ id: z.string().uuid() }) },
  async ({ ctx, input }) => revokeSession({ ctx, input: revokeSessionInput.parse({ sessionId: input.id }) }),
);

export const { GET, POST, PUT, PATCH, DELETE } = routeMethods({ DELETE: deleteHandler });

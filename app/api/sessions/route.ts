import { listActiveSessions } from "@/lib/sessions";
import { route, routeMethods } from "@/lib/web/route";

/** Active sessions of all users (Admin). */
const getHandler = route({ name: "GET /api/sessions", access: "sessions:manage" }, async ({ ctx }) => ({
  sessions: await listActiveSessions(ctx),
}));

export const { GET, POST, PUT, PATCH, DELETE } = routeMethods({ GET: getHandler });

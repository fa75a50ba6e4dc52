import { listActiveSessions } from "@/lib/sessions";
import { route } from "@/lib/web/route";

/** Active sessions of all users (Admin). */
export const GET = route({ name: "GET /api/sessions", access: "sessions:manage" }, async ({ ctx }) => ({
  sessions: await listActiveSessions(ctx),
}));

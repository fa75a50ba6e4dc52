import { listActiveSessions } from "@/lib/auth/session-store";
import { route } from "@/lib/web/route";

/** Active sessions of all users (Admin). */
export const GET = route({ name: "GET /api/sessions", access: "sessions:manage" }, async ({ ctx }) => ({
  sessions: await listActiveSessions(ctx),
}));

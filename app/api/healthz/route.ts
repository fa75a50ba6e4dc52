import { route } from "@/lib/web/route";

/** Liveness: the process answers. No dependencies are checked here on purpose. */
export const GET = route({ name: "GET /api/healthz", access: "public" }, async () => ({ status: "ok" }));

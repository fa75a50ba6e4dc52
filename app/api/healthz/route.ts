import { route, routeMethods } from "@/lib/web/route";

/** Liveness: the process answers. No dependencies are checked here on purpose. */
const getHandler = route({ name: "GET /api/healthz", access: "public" }, async () => ({ status: "ok" }));

export const { GET, POST, PUT, PATCH, DELETE } = routeMethods({ GET: getHandler });

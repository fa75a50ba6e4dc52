import { route, routeMethods } from "@/lib/web/route";
import { readiness } from "@/lib/health/readiness";

/** Readiness: the database answers and migrations are current. */
const getHandler = route({ name: "GET /api/readyz", access: "public" }, async () => {
  const r = await readiness();
  return Response.json(r, { status: r.ready ? 200 : 503, headers: { "cache-control": "no-store" } });
});

export const { GET, POST, PUT, PATCH, DELETE } = routeMethods({ GET: getHandler });

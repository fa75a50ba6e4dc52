import { auditQueryInput, listAudit } from "@/lib/audit/query";
import { route, routeMethods } from "@/lib/web/route";

/** Filtered, paginated audit entries as JSON (Auditor and above). */
const getHandler = route(
  { name: "GET /api/audit", access: "audit:read", input: auditQueryInput },
  async ({ ctx, input }) => {
    const { rows, total, query } = await listAudit({ ctx, input: input });
    return { total, page: query.page, pageSize: query.pageSize, rows };
  },
);

export const { GET, POST, PUT, PATCH, DELETE } = routeMethods({ GET: getHandler });

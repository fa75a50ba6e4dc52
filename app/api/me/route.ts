import { route, routeMethods } from "@/lib/web/route";

/** The signed-in identity and its effective roles. */
const getHandler = route({ name: "GET /api/me", access: "authenticated" }, async ({ ctx }) => {
  const a = ctx.actor;
  return a.type === "user" ? { oid: a.oid, upn: a.upn, name: a.name, roles: a.roles } : { type: a.type };
});

export const { GET, POST, PUT, PATCH, DELETE } = routeMethods({ GET: getHandler });

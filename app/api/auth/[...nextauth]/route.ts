import { nextAuthRoute } from "@/lib/web/nextauth-route";
import { routeMethods } from "@/lib/web/route";

/** next-auth's own endpoints (sign-in, callback, sign-out, csrf, session): public by nature, rate-limited. */
const handler = Object.assign(nextAuthRoute(), { access: "public" as const, routeName: "/api/auth/*" });

export const { GET, POST, PUT, PATCH, DELETE } = routeMethods({ GET: handler, POST: handler });

import { nextAuthRoute } from "@/lib/web/nextauth-route";

/** next-auth's own endpoints (sign-in, callback, sign-out, csrf, session): public by nature, rate-limited. */
const handler = Object.assign(nextAuthRoute(), { access: "public" as const, routeName: "/api/auth/*" });

export { handler as GET, handler as POST };

import { notFoundRoute } from "@/lib/web/route";

/** Any /api path no route handler serves: a 404 in the public error shape (Next's own is the HTML not-found page). */
export const { GET, POST, PUT, PATCH, DELETE } = notFoundRoute();

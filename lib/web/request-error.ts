import type { Instrumentation } from "next";
import { errorForLog, logger } from "../log";
import { isServerRequestId } from "./request-id";

const log = logger("web");

/**
 * Next.js's onRequestError hook: an error that escaped our wrappers (a page that threw, or the framework itself
 * failing on a request the proxy let through) still gets one log line with the request id the client was shown.
 */
export const logRequestError: Instrumentation.onRequestError = (error, request, context) => {
  const rid = request.headers["x-request-id"];
  log.error(
    {
      requestId: isServerRequestId(typeof rid === "string" ? rid : undefined) ? rid : undefined,
      method: request.method.slice(0, 16),
      path: request.path.split("?")[0]!.slice(0, 200),
      routeType: context.routeType,
      routePath: context.routePath,
      error: errorForLog(error),
    },
    "request failed",
  );
};

import http from "node:http";
import { logger } from "../log";
import { SUPPORTED_METHODS } from "./request-guard";
import { newRequestId } from "./request-id";

/**
 * The Fetch API forbids these methods, so Next.js cannot even build the Request for the proxy and answers a bare 500
 * with nothing in our log. They are refused on the HTTP server itself, before Next.js sees them; every other
 * unsupported method reaches the proxy (request-guard.ts).
 */
const FORBIDDEN_BY_FETCH = new Set(["TRACE", "TRACK"]);

const log = logger("web");

export function installMethodGuard(): void {
  const g = globalThis as { __ccMethodGuard?: boolean };
  if (g.__ccMethodGuard) return;
  g.__ccMethodGuard = true;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
      if (FORBIDDEN_BY_FETCH.has(req.method ?? "")) {
        refuse(req, res);
        return true;
      }
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof emit;
}

function refuse(req: http.IncomingMessage, res: http.ServerResponse): void {
  const requestId = newRequestId();
  const path = (req.url ?? "").split("?")[0]!.slice(0, 200);
  log.warn({ requestId, method: req.method, path, status: 405, reason: "method_not_allowed" }, "request refused");
  const body = JSON.stringify({ code: "method_not_allowed", message: `${req.method} is not supported.`, requestId });
  res.writeHead(405, {
    "content-type": "application/json",
    "cache-control": "no-store",
    allow: SUPPORTED_METHODS.join(", "),
    "x-request-id": requestId,
    "x-content-type-options": "nosniff",
  });
  res.end(body);
  req.resume();
}

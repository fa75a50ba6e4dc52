import http from "node:http";
import { getConfig } from "../config";
import { logger } from "../log";
import { contentSecurityPolicy, HSTS, newNonce } from "./csp";
import { GATE_HEADER, GATE_STATE_KEY } from "./gate-mark";
import { isDecodablePath, MAX_URL_CHARS, SUPPORTED_METHODS } from "./request-guard";
import { INGRESS_REQUEST_ID_HEADER, mintRequestIds, newRequestId, REQUEST_ID_HEADER } from "./request-id";

/**
 * The HTTP server's own gate, before Next.js sees a request.
 *
 * Why: Next.js runs the proxy (proxy.ts) through its middleware machinery, which costs ~1.1 ms of CPU per request on
 * the benchmark machine whatever the proxy does (an empty proxy costs the same) — about a third of an API call and a
 * sixth of a page navigation (docs/benchmarks.md). So an ordinary GET or HEAD is prepared here instead: a server-minted
 * request id, the CSP nonce and header, HSTS. It is then marked (GATE_HEADER), and the proxy's matcher skips marked
 * requests. Everything else (other methods, server actions, the sign-in page, an address the
 * proxy refuses or rewrites) is left unmarked and goes through the proxy exactly as before, so the proxy stays the
 * one place those rules live.
 *
 * Requests that arrive before the gate is installed (instrumentation.ts runs after the server listens) lose any
 * client-sent mark to lib/web/gate-mark.ts, which server.js loads first, so they meet the proxy.
 *
 * TRACE and TRACK are refused here outright: the Fetch API forbids them, so Next.js cannot even build the Request for
 * the proxy and would answer a bare 500 with nothing in our log.
 */
const FORBIDDEN_BY_FETCH = new Set(["TRACE", "TRACK"]);
/** What the proxy's matcher leaves out too: build assets carry no CSP or request id. */
const ASSETS = /^\/(?:_next\/static\/|_next\/image(?:$|[/?])|favicon\.ico$)/;

const log = logger("web");

export function installRequestGate(): void {
  const g = globalThis as { [GATE_STATE_KEY]?: true };
  if (g[GATE_STATE_KEY]) return;
  g[GATE_STATE_KEY] = true;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
      if (gateRequest(req, res)) return true;
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof emit;
}

/** True when the gate answered the request itself. */
function gateRequest(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const method = req.method ?? "";
  if (FORBIDDEN_BY_FETCH.has(method)) {
    refuse(req, res);
    return true;
  }
  // Only the gate may mark a request: a client-sent mark would let it skip the proxy.
  delete req.headers[GATE_HEADER];
  const url = req.url ?? "/";
  if (!isOrdinary(method, url)) return false;

  const cfg = getConfig();
  const { requestId, ingressRequestId } = mintRequestIds(first(req.headers[REQUEST_ID_HEADER]), cfg.auth.trustProxy);
  req.headers[REQUEST_ID_HEADER] = requestId;
  delete req.headers[INGRESS_REQUEST_ID_HEADER];
  if (ingressRequestId) req.headers[INGRESS_REQUEST_ID_HEADER] = ingressRequestId;
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, cfg.devServer);
  req.headers["x-nonce"] = nonce;
  req.headers["content-security-policy"] = csp;
  req.headers[GATE_HEADER] = "1";
  res.setHeader("content-security-policy", csp);
  res.setHeader(REQUEST_ID_HEADER, requestId);
  const proto = first(req.headers["x-forwarded-proto"]) ?? ("encrypted" in req.socket ? "https" : "http");
  if (proto === "https") res.setHeader("strict-transport-security", HSTS);
  return false;
}

/**
 * A GET or HEAD the proxy would only decorate: not an asset, not the sign-in page (which hands out its cookie in the
 * proxy), within the length limit, no trailing slash to redirect, a path that decodes.
 */
function isOrdinary(method: string, url: string): boolean {
  if (method !== "GET" && method !== "HEAD") return false;
  if (url.length > MAX_URL_CHARS || !url.startsWith("/") || ASSETS.test(url)) return false;
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  if (path === "/signin" || (path.length > 1 && path.endsWith("/"))) return false;
  return isDecodablePath(path);
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

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

import { NextResponse, type NextRequest } from "next/server";
import { getConfig } from "./lib/config";
import { logger } from "./lib/log";
import { contentSecurityPolicy, HSTS, newNonce } from "./lib/web/csp";
import { publicErrorResponse } from "./lib/web/errors";
import { assignRequestIds } from "./lib/web/request-id";
import { refuseHostileRequest } from "./lib/web/request-guard";
import { newSigninClientCookie, signinClientCookieName, signinClientId } from "./lib/web/signin-client";

const log = logger("web");

/**
 * Per-request CSP nonce (Next.js applies it to its own scripts), a server-minted request id for logs and audit, HSTS
 * when the request arrived over HTTPS, the sign-in client cookie, and a 4xx for requests Next.js itself would fail on
 * with a bare 500.
 * Authorisation is NOT done here: every page, action and route checks it.
 *
 * An ordinary GET or HEAD does not come here: the HTTP server's gate (lib/web/request-gate.ts) prepares it the same
 * way at a fraction of the cost and marks it, and the matcher skips marked requests. Everything else still does.
 */
export async function proxy(request: NextRequest) {
  const cfg = getConfig();
  const requestHeaders = new Headers(request.headers);
  const requestId = assignRequestIds(request.headers, requestHeaders, cfg.auth.trustProxy);

  const refusal = await refuseHostileRequest(request, cfg.appUrl);
  if (refusal) {
    log.warn(
      {
        requestId,
        method: request.method.slice(0, 16),
        path: request.nextUrl.pathname.slice(0, 200),
        status: refusal.status,
        reason: refusal.reason,
      },
      "request refused",
    );
    return publicErrorResponse(
      refusal.status,
      { code: refusal.code, message: refusal.message, requestId },
      { ...refusal.headers, "x-request-id": requestId },
    );
  }

  // the canonical address has no trailing slash (Next's own redirect is off: next.config.ts)
  const path = request.nextUrl.pathname;
  if (path.length > 1 && path.endsWith("/")) {
    // a plain URL: NextURL would put the slash back
    const target = new URL(request.url);
    target.pathname = path.replace(/\/+$/, "") || "/";
    return NextResponse.redirect(target, 308);
  }

  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, cfg.devServer);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);

  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  response.headers.set("x-request-id", requestId);
  // The sign-in page gives each browser its own sign-in rate-limit bucket (docs/adr/0004).
  if (request.nextUrl.pathname === "/signin" && !signinClientId(request.cookies.get(signinClientCookieName())?.value)) {
    const cookie = newSigninClientCookie();
    response.cookies.set(cookie.name, cookie.value, cookie.options);
  }
  const proto = request.headers.get("x-forwarded-proto") ?? request.nextUrl.protocol.replace(":", "");
  if (proto === "https") response.headers.set("strict-transport-security", HSTS);
  return response;
}

export const config = {
  // x-cc-gate: GATE_HEADER in lib/web/gate-mark.ts (a matcher must be a literal)
  matcher: [
    {
      source: "/((?!_next/static|_next/image|favicon.ico).*)",
      missing: [{ type: "header", key: "x-cc-gate" }],
    },
  ],
};

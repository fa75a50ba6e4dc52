import NextAuth from "next-auth";
import { audit } from "../audit/record";
import { registerSigninAttemptFor } from "../auth/signin-throttle";
import { getConfig } from "../config";
import type { RequestMeta } from "../context";
import { getDb } from "../db/client";
import { logger } from "../log";
import { authOptions } from "./auth-options";
import { authScope, type AuthScope } from "./auth-scope";
import { sessionCookieName } from "./cookies";
import { publicErrorResponse } from "./errors";
import { requestMetaFrom } from "./request-meta";
import { refuseBadCallbackUrl, signinErrorRedirect } from "./nextauth-input";
import { callbackFailure } from "./signin-failure";
import { cookieFrom, signinBucket, signinClientCookieName, type SigninClientKind } from "./signin-client";

type RouteContext = { params: Promise<{ nextauth: string[] }> };
type Bucket = { key: string; kind: SigninClientKind };

const log = logger("auth");

/**
 * next-auth's handler with what it lacks: a sign-in rate limit per client with temporary lockout under a global
 * ceiling (docs/adr/0004), request metadata for the audit entries written by its callbacks, an audit entry for every
 * failed callback, and no client logger endpoint.
 */
export function nextAuthRoute() {
  let handler: ((req: Request, ctx: RouteContext) => Promise<Response>) | undefined;
  return async (req: Request, ctx: RouteContext): Promise<Response> => {
    // Built on first request: `next build` imports this module without runtime configuration.
    handler ??= NextAuth(authOptions()) as unknown as (req: Request, ctx: RouteContext) => Promise<Response>;
    const meta = requestMetaFrom(req.headers);
    const [action, detail] = (await ctx.params).nextauth ?? [];
    // next-auth's browser-side logger posts here, and next-auth writes whatever it is sent to the server log at the
    // level the sender chose: anyone could fill the log with error lines. The console has no use for it.
    if (action === "_log") {
      return publicErrorResponse(404, { code: "not_found", message: "Not found.", requestId: meta.requestId });
    }
    if (action === "error" && req.method === "GET") return signinErrorRedirect(req, detail);
    const cfg = getConfig();
    const badCallbackUrl = refuseBadCallbackUrl(req, cfg.appUrl, cfg.secureCookies, meta.requestId);
    if (badCallbackUrl) return badCallbackUrl;
    const bucket = signinBucket(meta, cookieFrom(req.headers, signinClientCookieName()), cfg.auth.trustProxy);
    if (req.method === "POST" && action === "signin") {
      const refused = await countAttempt(meta, bucket);
      if (refused) {
        const url = `${cfg.appUrl}/signin?error=RateLimited&retryAfter=${refused.retryAfterSeconds}`;
        return Response.json({ url }, { status: 429, headers: { "retry-after": String(refused.retryAfterSeconds) } });
      }
    }
    const scope: AuthScope = { meta, errors: [] };
    const res = await authScope.run(scope, () => handler!(req, ctx));
    if (action === "callback") {
      const failure = callbackFailure(res, cfg.appUrl, sessionCookieName(), scope);
      if (failure) await recordFailedCallback(meta, bucket, failure);
    }
    return inPublicShape(res, meta.requestId);
  };
}

/** next-auth answers an action or method it does not know with a plain-text error; the API's errors are JSON. */
function inPublicShape(res: Response, requestId: string): Response {
  if (res.status < 400 || /^application\/json/i.test(res.headers.get("content-type") ?? "")) return res;
  const code =
    res.status === 404
      ? "not_found"
      : res.status === 405
        ? "method_not_allowed"
        : res.status >= 500
          ? "internal"
          : "invalid_input";
  return publicErrorResponse(res.status, { code, message: "This sign-in request is not supported.", requestId });
}

/** Counts one attempt; audits a lockout once, when it starts. Returns the refusal, if any. */
async function countAttempt(meta: RequestMeta, bucket: Bucket): Promise<{ retryAfterSeconds: number } | undefined> {
  const db = await getDb();
  const decision = await registerSigninAttemptFor(db, bucket.key, getConfig().auth.signinRateLimit);
  if (decision.allowed) return undefined;
  if (decision.newlyLocked) {
    await audit(
      { actor: { type: "anonymous" }, request: meta, db },
      {
        action: "auth.signin.locked",
        outcome: "denied",
        details: { bucket: decision.bucket, client: bucket.kind, lockoutSeconds: decision.retryAfterSeconds },
      },
    );
  }
  return decision;
}

/**
 * A failed callback is a failed sign-in attempt: it counts toward the client's lockout, and is audited while the
 * client is not locked out. Once it is, the lockout entry stands for the rest, so a script cannot flood the audit log
 * (every audit write takes the chain lock).
 */
async function recordFailedCallback(meta: RequestMeta, bucket: Bucket, details: Record<string, string>) {
  const refused = await countAttempt(meta, bucket);
  if (refused) {
    log.warn(
      { requestId: meta.requestId, client: bucket.kind, ...details },
      "failed sign-in callback while locked out",
    );
    return;
  }
  await audit(
    { actor: { type: "anonymous" }, request: meta },
    { action: "auth.signin.failed", outcome: "failure", details: { ...details, client: bucket.kind } },
  );
}

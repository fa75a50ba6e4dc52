import NextAuth from "next-auth";
import { audit } from "../audit/record";
import { registerSigninAttemptFor } from "../auth/signin-throttle";
import { getConfig } from "../config";
import { getDb } from "../db/client";
import { authOptions } from "./auth-options";
import { publicErrorResponse } from "./errors";
import { requestContext, requestMetaFrom } from "./request-meta";
import { cookieFrom, signinBucket, signinClientCookieName } from "./signin-client";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

/**
 * next-auth's handler with what it lacks: a sign-in rate limit per client with temporary lockout under a global
 * ceiling (docs/adr/0004), request
 * metadata for the audit entries written by its callbacks, an audit entry for failed callbacks, and no client logger
 * endpoint.
 */
export function nextAuthRoute() {
  let handler: ((req: Request, ctx: RouteContext) => Promise<Response>) | undefined;
  return async (req: Request, ctx: RouteContext): Promise<Response> => {
    // Built on first request: `next build` imports this module without runtime configuration.
    handler ??= NextAuth(authOptions()) as unknown as (req: Request, ctx: RouteContext) => Promise<Response>;
    const meta = requestMetaFrom(req.headers);
    const segments = (await ctx.params).nextauth ?? [];
    // next-auth's browser-side logger posts here, and next-auth writes whatever it is sent to the server log at the
    // level the sender chose: anyone could fill the log with error lines. The console has no use for it.
    if (segments[0] === "_log") {
      return publicErrorResponse(404, { code: "not_found", message: "Not found.", requestId: meta.requestId });
    }
    const cfg = getConfig();
    const appUrl = cfg.appUrl;
    if (req.method === "POST" && segments[0] === "signin") {
      const bucket = signinBucket(meta, cookieFrom(req.headers, signinClientCookieName()), cfg.auth.trustProxy);
      const db = await getDb();
      const decision = await registerSigninAttemptFor(db, bucket.key, cfg.auth.signinRateLimit);
      if (!decision.allowed) {
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
        const url = `${appUrl}/signin?error=RateLimited&retryAfter=${decision.retryAfterSeconds}`;
        return Response.json({ url }, { status: 429, headers: { "retry-after": String(decision.retryAfterSeconds) } });
      }
    }
    const res = await requestContext.run(meta, () => handler!(req, ctx));
    if (segments[0] === "callback") {
      const location = res.headers.get("location") ?? "";
      const err = location.includes("/signin") ? new URL(location, appUrl).searchParams.get("error") : null;
      if (err) {
        await audit(
          { actor: { type: "anonymous" }, request: meta },
          {
            action: "auth.signin.failed",
            outcome: "failure",
            details: { reason: err.slice(0, 80) },
          },
        );
      }
    }
    return res;
  };
}

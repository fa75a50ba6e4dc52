import { describe, expect, it } from "vitest";
import type { AuthScope } from "@/lib/web/auth-scope";
import { callbackFailure, classifyNextAuthError } from "@/lib/web/signin-failure";

const APP = "http://localhost:3000";
const SESSION = "cc.session";
const scope = (errors: AuthScope["errors"] = [], refusal?: Record<string, string>): AuthScope => ({
  meta: { requestId: "r" },
  errors,
  ...(refusal ? { refusal } : {}),
});
const redirect = (location: string, cookies: string[] = []) => {
  const headers = new Headers({ location });
  for (const c of cookies) headers.append("set-cookie", c);
  return new Response(null, { status: 302, headers });
};

describe("classifyNextAuthError", () => {
  const wrapped = (message: string) => ({ error: Object.assign(new Error(message), { name: "OAuthCallbackError" }) });

  it.each([
    ["State cookie was missing.", "state_check_failed"],
    ["state mismatch, expected abc, got: <script>", "state_check_failed"],
    ["PKCE code_verifier cookie was missing.", "pkce_check_failed"],
    ["nonce mismatch, expected x, got: y", "nonce_check_failed"],
    ["invalid_grant (grant request is invalid)", "invalid_grant"],
    ["connect ECONNREFUSED 127.0.0.1:1", "idp_unreachable"],
    ["something nobody planned for: hunter2", "other"],
  ])("%j → %s", (message, cause) => {
    expect(classifyNextAuthError("OAUTH_CALLBACK_ERROR", wrapped(message))).toEqual({
      code: "OAUTH_CALLBACK_ERROR",
      cause,
    });
  });

  it("keeps a provider's error code only when it is a known one", () => {
    const idp = (error: string) => ({ error: new Error(error), error_description: "whatever", providerId: "azure-ad" });
    expect(classifyNextAuthError("OAUTH_CALLBACK_HANDLER_ERROR", idp("access_denied"))).toEqual({
      code: "OAUTH_CALLBACK_HANDLER_ERROR",
      cause: "idp_error",
      idpError: "access_denied",
    });
    expect(classifyNextAuthError("OAUTH_CALLBACK_HANDLER_ERROR", idp("<img src=x>")).idpError).toBe("other");
  });
});

describe("callbackFailure", () => {
  it("a callback that sets the session cookie is no failure", () => {
    const res = redirect(`${APP}/`, [`${SESSION}=abc; Path=/; HttpOnly`]);
    expect(callbackFailure(res, APP, SESSION, scope())).toBeUndefined();
  });

  it("next-auth's error redirect gives the reason; the logged cause comes along", () => {
    const res = redirect(`${APP}/api/auth/error?error=OAuthCallback`);
    expect(
      callbackFailure(res, APP, SESSION, scope([{ code: "OAUTH_CALLBACK_ERROR", cause: "state_check_failed" }])),
    ).toEqual({ reason: "OAuthCallback", code: "OAUTH_CALLBACK_ERROR", cause: "state_check_failed" });
  });

  it("an error code next-auth built from an exception message becomes Other", () => {
    const res = redirect(`${APP}/api/auth/error?error=${encodeURIComponent('duplicate key "users_pkey" hunter2')}`);
    expect(callbackFailure(res, APP, SESSION, scope())).toEqual({ reason: "Other" });
  });

  it("our signIn callback's refusals carry their verified facts", () => {
    const res = redirect("/signin?error=WrongTenant");
    expect(callbackFailure(res, APP, SESSION, scope([], { tenantId: "t2", oid: "o1" }))).toEqual({
      reason: "WrongTenant",
      tenantId: "t2",
      oid: "o1",
    });
  });

  it("a redirect to sign-in without an error, or an HTTP error, is a failure too", () => {
    expect(callbackFailure(redirect(`${APP}/api/auth/signin`), APP, SESSION, scope())).toEqual({
      reason: "NoSession",
    });
    expect(callbackFailure(new Response("x", { status: 400 }), APP, SESSION, scope())).toEqual({
      reason: "http_400",
    });
  });

  it("clearing the session cookie is not signing in", () => {
    const res = redirect(`${APP}/api/auth/error?error=Callback`, [`${SESSION}=; Path=/; Max-Age=0`]);
    expect(callbackFailure(res, APP, SESSION, scope())).toEqual({ reason: "Callback" });
  });
});

import type { AuthScope } from "./auth-scope";

/** next-auth's error codes (and our signIn callback's) as they appear in its error redirects; anything else is "Other". */
const REASONS = new Set([
  "OAuthSignin",
  "OAuthCallback",
  "OAuthCreateAccount",
  "OAuthAccountNotLinked",
  "Callback",
  "AccessDenied",
  "Configuration",
  "Verification",
  "WrongTenant",
  "MissingClaims",
]);

/** Error codes an OAuth/OIDC provider may put in the callback (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6). */
const IDP_ERRORS = new Set([
  "access_denied",
  "invalid_request",
  "unauthorized_client",
  "unsupported_response_type",
  "invalid_scope",
  "server_error",
  "temporarily_unavailable",
  "interaction_required",
  "login_required",
  "account_selection_required",
  "consent_required",
  "invalid_request_uri",
  "invalid_request_object",
  "request_not_supported",
  "request_uri_not_supported",
  "registration_not_supported",
]);

/**
 * Error messages from next-auth's checks and openid-client quote request values ("state mismatch, expected …, got: …"),
 * so only a fixed token derived from them is kept.
 */
const CAUSES: [RegExp, string][] = [
  [/\bstate\b/i, "state_check_failed"],
  [/pkce|code_verifier/i, "pkce_check_failed"],
  [/\bnonce\b/i, "nonce_check_failed"],
  [/invalid_grant/, "invalid_grant"],
  [/invalid_client|unauthorized_client/, "client_rejected"],
  [/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|fetch failed|socket hang up|timeout/i, "idp_unreachable"],
  [/\b(jwt|id_token|signature|iss|aud|exp|iat)\b/i, "id_token_rejected"],
];

export function classifyCause(message: string): string {
  return CAUSES.find(([re]) => re.test(message))?.[1] ?? "other";
}

function messageOf(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (value && typeof value === "object" && "error" in value) return messageOf((value as { error: unknown }).error);
  return typeof value === "string" ? value : "";
}

/** next-auth's logger metadata → a fixed cause (and the provider's error code when it sent one we know). */
export function classifyNextAuthError(code: string, metadata: unknown): AuthScope["errors"][number] {
  const message = messageOf(metadata);
  const fromIdp = metadata !== null && typeof metadata === "object" && "error_description" in metadata;
  if (code === "OAUTH_CALLBACK_HANDLER_ERROR" && fromIdp) {
    return { code, cause: "idp_error", idpError: IDP_ERRORS.has(message) ? message : "other" };
  }
  return { code, cause: classifyCause(message) };
}

/**
 * Whether a callback response signed someone in (it sets the session cookie); if not, the audit details of the failure:
 * the error code of next-auth's redirect and what its logger reported, never a request value.
 */
export function callbackFailure(
  res: Response,
  appUrl: string,
  sessionCookie: string,
  scope: AuthScope,
): Record<string, string> | undefined {
  const signedIn = res.headers.getSetCookie().some((c) => c.startsWith(`${sessionCookie}=`) && !/^[^=]+=;/.test(c));
  if (signedIn) return undefined;
  const location = res.headers.get("location");
  const error = location ? new URL(location, appUrl).searchParams.get("error") : null;
  const reason = error === null ? (res.status >= 400 ? `http_${res.status}` : "NoSession") : error;
  const first = scope.errors[0];
  return {
    reason: REASONS.has(reason) || /^http_\d{3}$/.test(reason) || reason === "NoSession" ? reason : "Other",
    ...(first ? { cause: first.cause, code: first.code } : {}),
    ...(first?.idpError ? { idpError: first.idpError } : {}),
    ...scope.refusal,
  };
}

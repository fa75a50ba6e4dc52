/**
 * Request values next-auth mishandles with a 500: refused or normalised before its handler runs.
 */
import { publicErrorResponse } from "./errors";
import { cookieFrom } from "./signin-client";

/** next-auth's own test (assertConfig): an absolute http(s) URL, or a path resolved against the app. */
function isHttpUrl(url: string, appUrl: string): boolean {
  try {
    return /^https?:/.test(new URL(url, url.startsWith("/") ? appUrl : undefined).protocol);
  } catch {
    return false;
  }
}

function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * next-auth answers a `callbackUrl` query parameter or callback-url cookie it cannot parse as a URL with a 500 and an
 * error line quoting the value, so any client could fill the log with error lines of its choosing. Such a request is
 * refused here (400 in the public error shape) and a bad cookie is cleared, so the browser can sign in again. Where a
 * valid target leads is still decided by the redirect callback (redirect-target.ts).
 */
export function refuseBadCallbackUrl(
  req: Request,
  appUrl: string,
  secureCookies: boolean,
  requestId: string,
): Response | undefined {
  const param = new URL(req.url).searchParams.get("callbackUrl");
  const cookieName = `${secureCookies ? "__Secure-" : ""}next-auth.callback-url`;
  const cookie = cookieFrom(req.headers, cookieName);
  const badParam = param !== null && param !== "" && !isHttpUrl(param, appUrl);
  const badCookie = cookie !== undefined && cookie !== "" && !isHttpUrl(decoded(cookie), appUrl);
  if (!badParam && !badCookie) return undefined;
  const clear = `${cookieName}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secureCookies ? "; Secure" : ""}`;
  return publicErrorResponse(
    400,
    { code: "invalid_input", message: "The address to return to after sign-in is not valid.", requestId },
    badCookie ? { "set-cookie": clear } : {},
  );
}

/** next-auth's error codes are words; the sign-in page shows a generic message for any code it does not know. */
const ERROR_CODE = /^[A-Za-z]{1,64}$/;

/**
 * The `error` action redirects to the sign-in page. next-auth puts the raw `error` value into the Location header, so
 * a line break or a character beyond Latin-1 makes it throw (500); the console sends a known-shaped code, encoded.
 */
export function signinErrorRedirect(req: Request, pathCode: string | undefined): Response {
  const raw = new URL(req.url).searchParams.get("error") ?? pathCode ?? "Default";
  const code = ERROR_CODE.test(raw) ? raw : "Default";
  return new Response(null, { status: 302, headers: { location: `/signin?error=${encodeURIComponent(code)}` } });
}

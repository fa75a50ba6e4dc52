/**
 * The one check for every redirect target a client can choose (the sign-in page's callbackUrl, next-auth's redirect
 * callback). Browsers resolve a relative Location with their own parser, which turns `/\host`, `/<tab>/host` and
 * friends into another origin; so the target is resolved the same way (WHATWG URL against APP_URL) and accepted only
 * if it stays on the app's origin. What comes out is the normalised path, never the client's spelling of it.
 */
const MAX_TARGET_LENGTH = 2048;

export function safeRedirectPath(target: unknown, appUrl: string, fallback = "/"): string {
  if (typeof target !== "string" || target.length === 0 || target.length > MAX_TARGET_LENGTH) return fallback;
  let url: URL;
  try {
    url = new URL(target, appUrl);
  } catch {
    return fallback;
  }
  if (url.origin !== new URL(appUrl).origin) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments can leave a same-origin URL whose path starts with "//" ("/.//evil"): as a relative Location that
  // names another host.
  if (!path.startsWith("/") || path.startsWith("//")) return fallback;
  return path;
}

/** next-auth wants an absolute URL back from its redirect callback. */
export function safeRedirectUrl(target: unknown, appUrl: string): string {
  return `${new URL(appUrl).origin}${safeRedirectPath(target, appUrl)}`;
}

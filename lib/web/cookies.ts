import { getConfig } from "../config";

/** `__Secure-` prefix only behind HTTPS: browsers refuse it otherwise. */
export function sessionCookieName(): string {
  return getConfig().secureCookies ? "__Secure-cc.session" : "cc.session";
}

export const THEME_COOKIE = "cc-theme";

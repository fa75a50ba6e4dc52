/**
 * A tiny cookie-carrying "browser" built on fetch, for driving the local IdP's sign-in and sign-out
 * pages from Node tests without a real browser. Redirects are followed manually so each hop is visible.
 */
import type { PersonaKey } from "./personas";

interface StoredCookie {
  value: string;
  path: string;
}

export class CookieJar {
  /** host -> cookie name -> cookie */
  private readonly store = new Map<string, Map<string, StoredCookie>>();

  capture(url: string, res: Response): void {
    const { host } = new URL(url);
    const setCookies = res.headers.getSetCookie();
    if (setCookies.length === 0) return;
    let cookies = this.store.get(host);
    if (!cookies) {
      cookies = new Map();
      this.store.set(host, cookies);
    }
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair!.indexOf("=");
      if (eq < 0) continue;
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      let path = "/";
      let expired = value === "";
      for (const attr of attrs) {
        const [k, v = ""] = attr.split("=");
        const key = k!.trim().toLowerCase();
        if (key === "path") path = v.trim() || "/";
        if (key === "max-age" && Number(v) <= 0) expired = true;
        if (key === "expires" && Date.parse(v) <= Date.now()) expired = true;
      }
      const id = `${name}@${path}`;
      if (expired) cookies.delete(id);
      else cookies.set(id, { value, path });
    }
  }

  header(url: string): string | undefined {
    const { host, pathname } = new URL(url);
    const cookies = this.store.get(host);
    if (!cookies) return undefined;
    const parts: string[] = [];
    for (const [id, c] of cookies) {
      const name = id.slice(0, id.lastIndexOf("@"));
      const p = c.path.endsWith("/") ? c.path : `${c.path}/`;
      if (pathname === c.path || pathname.startsWith(p) || c.path === "/") parts.push(`${name}=${c.value}`);
    }
    return parts.length ? parts.join("; ") : undefined;
  }

  names(host: string): string[] {
    return [...(this.store.get(host)?.keys() ?? [])].map((id) => id.slice(0, id.lastIndexOf("@")));
  }
}

export interface Hop {
  method: string;
  url: string;
  status: number;
  location?: string;
}

export class MiniBrowser {
  readonly jar = new CookieJar();
  readonly history: Hop[] = [];

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const method = init.method ?? (init.form ? "POST" : "GET");
    const headers: Record<string, string> = { accept: "text/html,application/json" };
    const cookie = this.jar.header(url);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(url, { method, headers, body, redirect: "manual" });
    this.jar.capture(url, res);
    const location = res.headers.get("location") ?? undefined;
    this.history.push({
      method,
      url,
      status: res.status,
      location: location ? new URL(location, url).href : undefined,
    });
    return res;
  }

  /**
   * Follow redirects until a non-redirect response, or until a redirect points at `stopAt`
   * (e.g. the relying party's callback URL, which no server is listening on in tests).
   * Like a browser with JavaScript, self-submitting POST forms (oidc-provider's form_post pages, e.g. the
   * account-switch logout step) are submitted automatically.
   * Returns the final response, its URL, its body text (for non-redirects) and, for a stop, the redirect target.
   */
  async follow(
    url: string,
    init: { method?: string; form?: Record<string, string> } = {},
    stopAt?: (url: string) => boolean,
    maxHops = 15,
  ): Promise<{ res: Response; url: string; body: string; stoppedAt?: string }> {
    let current = url;
    let res = await this.request(current, init);
    for (let i = 0; i < maxHops; i++) {
      const loc = res.headers.get("location");
      if (res.status >= 300 && res.status < 400 && loc) {
        const next = new URL(loc, current).href;
        await res.arrayBuffer();
        if (stopAt?.(next)) return { res, url: current, body: "", stoppedAt: next };
        current = next;
        res = await this.request(current);
        continue;
      }
      const body = await res.text();
      if (res.status === 200 && isSelfSubmittingForm(body)) {
        const form = parseForm(body);
        const action = new URL(form.action || current, current).href;
        if (stopAt?.(action)) return { res, url: current, body, stoppedAt: action };
        current = action;
        res = await this.request(current, { method: form.method, form: form.fields });
        continue;
      }
      return { res, url: current, body };
    }
    throw new Error(`too many redirects starting at ${url}`);
  }
}

function isSelfSubmittingForm(html: string): boolean {
  return (
    /<form\b[^>]*method="post"/i.test(html) &&
    /<script\b[^>]*>[^<]*(?:forms\[0\]|getElementById\([^)]*\))\.submit\(\)/i.test(html)
  );
}

/** Extract a <form>'s action and its hidden inputs (enough for the IdP's own simple pages). */
export function parseForm(
  html: string,
  formId?: string,
): { action: string; method: string; fields: Record<string, string> } {
  const formRe = /<form\b([^>]*)>([\s\S]*?)<\/form>/gi;
  let m: RegExpExecArray | null;
  while ((m = formRe.exec(html))) {
    const attrs = m[1]!;
    if (formId && !new RegExp(`id="${formId.replace(/\./g, "\\.")}"`).test(attrs)) continue;
    const action = /action="([^"]*)"/i.exec(attrs)?.[1] ?? "";
    const method = (/method="([^"]*)"/i.exec(attrs)?.[1] ?? "get").toUpperCase();
    const fields: Record<string, string> = {};
    const inputRe = /<input\b([^>]*)>/gi;
    let im: RegExpExecArray | null;
    while ((im = inputRe.exec(m[2]!))) {
      const name = /name="([^"]*)"/i.exec(im[1]!)?.[1];
      const value = /value="([^"]*)"/i.exec(im[1]!)?.[1] ?? "";
      if (name) fields[name] = decodeEntities(value);
    }
    return { action: decodeEntities(action), method, fields };
  }
  throw new Error(`form ${formId ?? ""} not found`);
}

function decodeEntities(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/**
 * Drive the IdP's sign-in from an authorization URL: land on the persona page, pick `persona`,
 * and follow redirects until the IdP redirects to `redirectUri`. Returns that callback URL
 * (with code, state and iss in the query).
 */
export async function signInAs(
  browser: MiniBrowser,
  authorizationUrl: string,
  persona: PersonaKey,
  redirectUri: string,
): Promise<{ callbackUrl: string; loginPageHtml: string }> {
  const isCallback = (u: string) => u.startsWith(redirectUri);
  const first = await browser.follow(authorizationUrl, {}, isCallback);
  if (first.stoppedAt) {
    // Silent SSO: the IdP already had a session and no picker was needed.
    return { callbackUrl: first.stoppedAt, loginPageHtml: "" };
  }
  const html = first.body;
  if (first.res.status !== 200 || !html.includes('name="persona"')) {
    throw new Error(`expected the persona page, got ${first.res.status} at ${first.url}: ${summarize(html)}`);
  }
  const action = new URL(parseForm(html).action, first.url).href;
  const done = await browser.follow(action, { form: { persona } }, isCallback);
  if (!done.stoppedAt) {
    throw new Error(
      `sign-in did not return to ${redirectUri}; ended ${done.res.status} at ${done.url}: ${summarize(done.body)}`,
    );
  }
  return { callbackUrl: done.stoppedAt, loginPageHtml: html };
}

function summarize(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/gi, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 600);
}

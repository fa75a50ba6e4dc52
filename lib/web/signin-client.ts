import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { getConfig } from "../config";
import type { RequestMeta } from "../context";

/**
 * A random, signed, HttpOnly cookie the sign-in page hands to each browser, so that without a trusted proxy (no client
 * address) the sign-in rate limit still has something per client to count: one browser's burst locks that browser,
 * not the whole team. It identifies nothing and proves nothing beyond "this server issued it"; see docs/adr/0004.
 */
const MAX_AGE_SECONDS = 7 * 24 * 3600;
const TOKEN = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$/;

let keyFor: { secret: Buffer; key: Buffer } | undefined;

function macKey(): Buffer {
  const secret = getConfig().secretKey;
  if (keyFor?.secret !== secret) {
    keyFor = {
      secret,
      key: Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), "certifyclouds/signin-client/v1", 32)),
    };
  }
  return keyFor.key;
}

const mac = (id: string) => createHmac("sha256", macKey()).update(id).digest().subarray(0, 16).toString("base64url");

export function signinClientCookieName(): string {
  // __Host-: only over HTTPS, host-only, Path=/ (browsers refuse the prefix otherwise).
  return getConfig().secureCookies ? "__Host-cc.signin-client" : "cc.signin-client";
}

export function newSigninClientCookie(): {
  name: string;
  value: string;
  options: { httpOnly: true; sameSite: "lax"; secure: boolean; path: "/"; maxAge: number };
} {
  const id = randomBytes(16).toString("base64url");
  return {
    name: signinClientCookieName(),
    value: `${id}.${mac(id)}`,
    options: { httpOnly: true, sameSite: "lax", secure: getConfig().secureCookies, path: "/", maxAge: MAX_AGE_SECONDS },
  };
}

/** The client id in a cookie this server issued; undefined for a missing, malformed or forged one. */
export function signinClientId(token: string | undefined): string | undefined {
  const m = token ? TOKEN.exec(token) : null;
  if (!m) return undefined;
  const expected = Buffer.from(mac(m[1]));
  const given = Buffer.from(m[2]);
  return expected.length === given.length && timingSafeEqual(expected, given) ? m[1] : undefined;
}

export type SigninClientKind = "address" | "browser" | "cookieless";

/**
 * The rate-limit bucket of a sign-in attempt: the client address behind a trusted proxy; otherwise the browser's
 * sign-in cookie; requests with neither share one bucket (a script that drops cookies gets no fresh bucket per request).
 */
export function signinBucket(
  meta: RequestMeta,
  cookieToken: string | undefined,
  trustProxy: boolean,
): { key: string; kind: SigninClientKind } {
  if (trustProxy && meta.ip) return { key: `ip:${meta.ip}`, kind: "address" };
  const id = signinClientId(cookieToken);
  if (!id) return { key: "client:none", kind: "cookieless" };
  return { key: `client:${createHash("sha256").update(id).digest("hex").slice(0, 32)}`, kind: "browser" };
}

/** One cookie's value from a Cookie header (no decoding: our values are base64url). */
export function cookieFrom(headers: Headers, name: string): string | undefined {
  for (const part of (headers.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

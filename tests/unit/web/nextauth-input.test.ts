import { describe, expect, it } from "vitest";
import { refuseBadCallbackUrl, signinErrorRedirect } from "@/lib/web/nextauth-input";

const APP = "http://localhost:3000";
const req = (query: string, cookie?: string) =>
  new Request(`${APP}/api/auth/signin${query}`, { headers: cookie ? { cookie } : {} });

describe("refuseBadCallbackUrl (next-auth answers these with a 500 and an error line quoting the value)", () => {
  it.each(["%", "foo", "86GZ*AV", "%1B%5B31m", "javascript", "%E2%80%AE"])(
    "callbackUrl=%s → 400 in the public error shape",
    async (value) => {
      const res = refuseBadCallbackUrl(req(`?callbackUrl=${value}`), APP, false, "rid-1");
      expect(res?.status).toBe(400);
      expect(await res!.json()).toEqual({
        code: "invalid_input",
        message: "The address to return to after sign-in is not valid.",
        requestId: "rid-1",
      });
      expect(res!.headers.get("set-cookie")).toBeNull();
    },
  );

  it.each(["", "?callbackUrl=", "?callbackUrl=%2Finventory", "?callbackUrl=http%3A%2F%2Flocalhost%3A3000%2Fx"])(
    "%s passes (the redirect callback decides where it leads)",
    (query) => {
      expect(refuseBadCallbackUrl(req(query), APP, false, "rid")).toBeUndefined();
    },
  );

  it("a bad callback-url cookie is refused and cleared; a good one passes", () => {
    const bad = refuseBadCallbackUrl(req("", "next-auth.callback-url=garbage%20value"), APP, false, "rid");
    expect(bad?.status).toBe(400);
    expect(bad!.headers.get("set-cookie")).toMatch(/^next-auth\.callback-url=; Path=\/; Max-Age=0/);
    const secure = refuseBadCallbackUrl(req("", "__Secure-next-auth.callback-url=x"), APP, true, "rid");
    expect(secure!.headers.get("set-cookie")).toMatch(/^__Secure-next-auth\.callback-url=;.*; Secure$/);
    const good = `next-auth.callback-url=${encodeURIComponent(`${APP}/vaults`)}`;
    expect(refuseBadCallbackUrl(req("", good), APP, false, "rid")).toBeUndefined();
  });
});

describe("signinErrorRedirect (next-auth put the raw error value into Location: a line break or U+FFFD made it a 500)", () => {
  const at = (query: string) => new Request(`${APP}/api/auth/error${query}`);
  it.each([
    ["?error=OAuthCallback", undefined, "/signin?error=OAuthCallback"],
    ["", "AccessDenied", "/signin?error=AccessDenied"],
    ["", undefined, "/signin?error=Default"],
    ["?error=a%0Ab", undefined, "/signin?error=Default"],
    ["?error=%ED%A0%80", undefined, "/signin?error=Default"],
    ["?error=%C3%A9", undefined, "/signin?error=Default"],
    ["?error=%3Cx%3E", undefined, "/signin?error=Default"],
  ])("error%s (path %s) → 302 %s", (query, pathCode, location) => {
    const res = signinErrorRedirect(at(query), pathCode);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(location);
  });
});

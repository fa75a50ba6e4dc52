import { describe, expect, it } from "vitest";
import { safeRedirectPath, safeRedirectUrl } from "@/lib/web/redirect-target";

const APP = "https://app.example";

describe("safeRedirectPath", () => {
  // Each of these is followed by some browser to another origin when used as a relative Location.
  const hostile = [
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/%09/evil.example".replace("%09", "\t"),
    "http:evil.example",
    "http://evil.example",
    "https://evil.example/",
    "https://app.example@evil.example",
    "https://app.example.evil.example/",
    "https://app.example:444/",
    "http://app.example/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "/.//evil.example",
    "/./\\evil.example",
    "/..//evil.example",
  ];
  it.each(hostile)("refuses %j", (target) => {
    expect(safeRedirectPath(target, APP)).toBe("/");
  });

  // Encoded forms arrive decoded once by the query-string parser; the decoded value is what must be refused.
  const encoded = ["%2F%5Cevil.example", "%2F%09%2Fevil.example", "%2F%2Fevil.example", "%2F%5C%2Fevil.example"];
  it.each(encoded)("refuses the decoded form of %s", (raw) => {
    expect(safeRedirectPath(decodeURIComponent(raw), APP)).toBe("/");
  });

  it("does not decode a second time: an encoded slash stays part of the path", () => {
    expect(safeRedirectPath("/%2F%2Fevil.example", APP)).toBe("/%2F%2Fevil.example");
    expect(safeRedirectPath("/%5Cevil.example", APP)).toBe("/%5Cevil.example");
  });

  it.each([
    ["/", "/"],
    ["/inventory", "/inventory"],
    ["/inventory?status=expired&page=2", "/inventory?status=expired&page=2"],
    ["/vaults/abc#objects", "/vaults/abc#objects"],
    ["/a/../settings", "/settings"],
    ["https://app.example/settings?x=1", "/settings?x=1"],
    ["inventory", "/inventory"],
    // Same scheme as the app without slashes is a relative reference: harmless once normalised.
    ["https:evil.example", "/evil.example"],
    ["https:/evil.example", "/evil.example"],
  ])("accepts %j as %j", (target, expected) => {
    expect(safeRedirectPath(target, APP)).toBe(expected);
  });

  it.each([undefined, null, 42, ["/a"], {}, ""])("falls back to / for %j", (target) => {
    expect(safeRedirectPath(target, APP)).toBe("/");
  });

  it("refuses overlong targets", () => {
    expect(safeRedirectPath(`/${"a".repeat(3000)}`, APP)).toBe("/");
  });

  it("uses the given fallback", () => {
    expect(safeRedirectPath("//evil.example", APP, "/signin")).toBe("/signin");
  });
});

describe("safeRedirectUrl (next-auth's redirect callback)", () => {
  it("answers an absolute URL on the app's origin", () => {
    expect(safeRedirectUrl("/inventory?x=1", APP)).toBe("https://app.example/inventory?x=1");
    expect(safeRedirectUrl("/\\evil.example", APP)).toBe("https://app.example/");
    expect(safeRedirectUrl("https://app.example@evil.example", APP)).toBe("https://app.example/");
  });
});

/** Secret rules at their boundaries (Azure Policy semantics: see the interpretation of each rule). */
import { describe, expect, test } from "vitest";
import { inDays, now, secret, status } from "./fixtures";

describe("secret-expiration-set", () => {
  test("no expiry fails; any expiry passes; disabled and certificate-backed secrets are in scope", () => {
    expect(status("secret-expiration-set", secret({ expiresOn: null }))).toBe("fail");
    expect(status("secret-expiration-set", secret({ expiresOn: null, enabled: false, managed: true }))).toBe("fail");
    expect(status("secret-expiration-set", secret({ expiresOn: inDays(-1) }))).toBe("pass");
  });
});

describe("secret-expiry-days (expiresOn < now + N fails)", () => {
  const r = "secret-expiry-days";
  test("exactly N days left passes; one ms less fails", () => {
    expect(status(r, secret({ expiresOn: inDays(30) }))).toBe("pass");
    expect(status(r, secret({ expiresOn: inDays(30, -1) }))).toBe("fail");
    expect(status(r, secret({ expiresOn: inDays(7) }), { minimumDaysBeforeExpiration: 7 })).toBe("pass");
    expect(status(r, secret({ expiresOn: inDays(6.99) }), { minimumDaysBeforeExpiration: 7 })).toBe("fail");
  });
  test("expired fails; expiring exactly now fails; N = 0 passes exactly now", () => {
    expect(status(r, secret({ expiresOn: inDays(-5) }))).toBe("fail");
    expect(status(r, secret({ expiresOn: now }))).toBe("fail");
    expect(status(r, secret({ expiresOn: now }), { minimumDaysBeforeExpiration: 0 })).toBe("pass");
  });
  test("no expiry is not applicable; disabled secrets count", () => {
    expect(status(r, secret({ expiresOn: null }))).toBe("notApplicable");
    expect(status(r, secret({ expiresOn: inDays(1), enabled: false }))).toBe("fail");
  });
});

describe("secret-max-validity (no expiry, or expiresOn > createdOn + N, fails)", () => {
  const r = "secret-max-validity";
  const created = inDays(-10);
  test("exactly N days of validity passes; one ms more fails", () => {
    expect(status(r, secret({ createdOn: created, expiresOn: inDays(355) }))).toBe("pass");
    expect(status(r, secret({ createdOn: created, expiresOn: inDays(355, 1) }))).toBe("fail");
  });
  test("no expiry fails; validity counts from creation, not activation", () => {
    expect(status(r, secret({ expiresOn: null }))).toBe("fail");
    const s = secret({ createdOn: created, notBefore: inDays(100), expiresOn: inDays(400) });
    expect(status(r, s)).toBe("fail");
  });
  test("no creation time is unknown", () => {
    expect(status(r, secret({ createdOn: null }))).toBe("unknown");
  });
});

describe("secret-active-period (now > (notBefore or createdOn) + N fails)", () => {
  const r = "secret-active-period";
  test("exactly N days active passes; one ms more fails", () => {
    expect(status(r, secret({ createdOn: inDays(-365) }))).toBe("pass");
    expect(status(r, secret({ createdOn: inDays(-365, -1) }))).toBe("fail");
  });
  test("activation date wins over creation when set", () => {
    expect(status(r, secret({ createdOn: inDays(-500), notBefore: inDays(-300) }))).toBe("pass");
    expect(status(r, secret({ createdOn: inDays(-10), notBefore: inDays(-366) }))).toBe("fail");
  });
  test("expiry plays no part; unknown without any start", () => {
    expect(status(r, secret({ createdOn: inDays(-400), expiresOn: inDays(-30) }))).toBe("fail");
    expect(status(r, secret({ createdOn: null, notBefore: null }))).toBe("unknown");
  });
});

describe("secret-content-type", () => {
  test("absent or empty fails, set passes", () => {
    expect(status("secret-content-type", secret({ contentType: null }))).toBe("fail");
    expect(status("secret-content-type", secret({ contentType: "" }))).toBe("fail");
    expect(status("secret-content-type", secret({ contentType: "application/x-pkcs12", managed: true }))).toBe("pass");
  });
});

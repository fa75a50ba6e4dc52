/** Certificate rules at their boundaries. */
import { describe, expect, test } from "vitest";
import { commonName } from "@/lib/compliance/rules/certificates-issuer";
import { cert, inDays, now, status } from "./fixtures";

const policy = (p: object) => cert({ policy: { ...cert().policy, ...p } });

describe("certificate-expiry-days (expiresOn <= now + N fails: inclusive, unlike secrets and keys)", () => {
  const r = "certificate-expiry-days";
  test("exactly N days left FAILS; one ms more passes", () => {
    expect(status(r, cert({ expiresOn: inDays(30) }))).toBe("fail");
    expect(status(r, cert({ expiresOn: inDays(30, 1) }))).toBe("pass");
    expect(status(r, cert({ expiresOn: inDays(90) }), { daysToExpire: 90 })).toBe("fail");
  });
  test("expired fails; no expiry not applicable; N = 0 fails exactly now", () => {
    expect(status(r, cert({ expiresOn: inDays(-1) }))).toBe("fail");
    expect(status(r, cert({ expiresOn: now }), { daysToExpire: 0 })).toBe("fail");
    expect(status(r, cert({ expiresOn: null }))).toBe("notApplicable");
  });
});

describe("certificate-max-validity (validityInMonths > max fails)", () => {
  test("12 months passes by default, 13 fails, 24 passes with max 24", () => {
    expect(status("certificate-max-validity", policy({ validityInMonths: 12 }))).toBe("pass");
    expect(status("certificate-max-validity", policy({ validityInMonths: 13 }))).toBe("fail");
    expect(status("certificate-max-validity", policy({ validityInMonths: 24 }), { maximumValidityInMonths: 24 })).toBe(
      "pass",
    );
  });
  test("a policy without validity passes (Azure: `greater` is false); policy not read is unknown", () => {
    expect(status("certificate-max-validity", policy({ validityInMonths: null }))).toBe("pass");
    expect(status("certificate-max-validity", cert({ policy: undefined }))).toBe("unknown");
  });
});

describe("certificate-lifetime-action", () => {
  const r = "certificate-lifetime-action";
  const acts = (a: object) => policy({ lifetimeActions: [{ action: "AutoRenew", ...a }] });
  test("days before expiry: equal to the minimum passes, one fewer fails", () => {
    expect(status(r, acts({ daysBeforeExpiry: 30 }))).toBe("pass");
    expect(status(r, acts({ daysBeforeExpiry: 29 }))).toBe("fail");
  });
  test("percentage: equal to the maximum passes, one more fails", () => {
    expect(status(r, acts({ lifetimePercentage: 80 }))).toBe("pass");
    expect(status(r, acts({ lifetimePercentage: 81 }))).toBe("fail");
    expect(status(r, acts({ lifetimePercentage: 90 }), { maximumPercentageLife: 90 })).toBe("pass");
  });
  test("no lifetime action passes, as in Azure", () => {
    expect(status(r, policy({ lifetimeActions: [] }))).toBe("pass");
    expect(status(r, cert({ policy: undefined }))).toBe("unknown");
  });
});

describe("certificate-auto-renew", () => {
  test("AutoRenew passes, EmailContacts only fails, non-integrated CA not applicable", () => {
    const r = "certificate-auto-renew";
    expect(status(r, policy({ lifetimeActions: [{ action: "AutoRenew", lifetimePercentage: 80 }] }))).toBe("pass");
    expect(status(r, policy({ lifetimeActions: [{ action: "EmailContacts", daysBeforeExpiry: 30 }] }))).toBe("fail");
    expect(status(r, policy({ issuerName: "Unknown", lifetimeActions: [] }))).toBe("notApplicable");
  });
});

describe("certificate key material", () => {
  test("allowed key types default to RSA and RSA-HSM", () => {
    expect(status("certificate-allowed-key-types", policy({ keyType: "RSA-HSM" }))).toBe("pass");
    expect(status("certificate-allowed-key-types", policy({ keyType: "EC" }))).toBe("fail");
    expect(status("certificate-allowed-key-types", policy({ keyType: "EC" }), { allowedKeyTypes: ["EC"] })).toBe(
      "pass",
    );
  });
  test("RSA minimum and EC curves", () => {
    expect(status("certificate-rsa-min-size", policy({ keySize: 2048 }))).toBe("pass");
    expect(status("certificate-rsa-min-size", policy({ keySize: 2047 }))).toBe("fail");
    expect(status("certificate-rsa-min-size", policy({ keyType: "EC", keySize: null }))).toBe("notApplicable");
    expect(status("certificate-ec-curves", policy({ keyType: "EC", keyCurveName: "P-521" }))).toBe("pass");
    expect(status("certificate-ec-curves", policy({ keyType: "EC", keyCurveName: "P-224" }))).toBe("fail");
    expect(status("certificate-ec-curves", policy({}))).toBe("notApplicable");
    expect(status("certificate-ec-curves", cert({ policy: undefined }))).toBe("unknown");
  });
});

describe("certificate issuers", () => {
  test("integrated CA: DigiCert passes; Self and Unknown fail", () => {
    expect(status("certificate-integrated-ca", policy({ issuerName: "DigiCert" }))).toBe("pass");
    expect(status("certificate-integrated-ca", policy({ issuerName: "Self" }))).toBe("fail");
    expect(status("certificate-integrated-ca", policy({ issuerName: "Unknown" }), { allowedCAs: ["GlobalSign"] })).toBe(
      "fail",
    );
  });
  test("custom CA: case-insensitive substring of the issuer CN; nothing configured is not applicable", () => {
    const r = "certificate-custom-ca";
    expect(commonName("CN=Contoso Issuing CA 1, O=Contoso")).toBe("Contoso Issuing CA 1");
    expect(status(r, cert(), { caCommonNames: ["contoso"] })).toBe("pass");
    expect(status(r, cert(), { caCommonNames: ["Fabrikam", "Issuing CA"] })).toBe("pass");
    expect(status(r, cert({ issuer: "O=Contoso" }), { caCommonNames: ["Contoso"] })).toBe("fail");
    expect(status(r, cert(), { caCommonNames: ["Fabrikam"] })).toBe("fail");
    expect(status(r, cert())).toBe("notApplicable");
    expect(status(r, cert({ issuer: undefined }), { caCommonNames: ["Contoso"] })).toBe("unknown");
  });
});

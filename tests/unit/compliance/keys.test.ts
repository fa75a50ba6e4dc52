/** Key rules at their boundaries. */
import { describe, expect, test } from "vitest";
import { scheduledRotationDate } from "@/lib/compliance/rules/keys-lifecycle";
import { inDays, key, now, status } from "./fixtures";

describe("key date rules (same conditions as secrets)", () => {
  test("expiration set", () => {
    expect(status("key-expiration-set", key({ expiresOn: null }))).toBe("fail");
    expect(status("key-expiration-set", key({ expiresOn: null, enabled: false }))).toBe("fail");
    expect(status("key-expiration-set", key())).toBe("pass");
  });
  test("expiry days: exactly N left passes, one ms less fails, expired fails, none n/a", () => {
    expect(status("key-expiry-days", key({ expiresOn: inDays(30) }))).toBe("pass");
    expect(status("key-expiry-days", key({ expiresOn: inDays(30, -1) }))).toBe("fail");
    expect(status("key-expiry-days", key({ expiresOn: inDays(-1) }))).toBe("fail");
    expect(status("key-expiry-days", key({ expiresOn: null }))).toBe("notApplicable");
  });
  test("max validity: exactly N days passes (default 730), more fails, no expiry fails", () => {
    expect(status("key-max-validity", key({ createdOn: now, expiresOn: inDays(730) }))).toBe("pass");
    expect(status("key-max-validity", key({ createdOn: now, expiresOn: inDays(730, 1) }))).toBe("fail");
    expect(status("key-max-validity", key({ expiresOn: null }))).toBe("fail");
  });
  test("active period: exactly N passes, more fails", () => {
    expect(status("key-active-period", key({ createdOn: inDays(-730) }))).toBe("pass");
    expect(status("key-active-period", key({ createdOn: inDays(-730, -1) }))).toBe("fail");
    expect(status("key-active-period", key({ createdOn: inDays(-800), notBefore: inDays(-10) }))).toBe("pass");
  });
});

describe("key-rotation-scheduled (no schedule, or schedule > createdOn + N, fails)", () => {
  const r = "key-rotation-scheduled";
  const rotate = (a: { timeAfterCreate?: string; timeBeforeExpiry?: string }, action = "Rotate") => ({
    lifetimeActions: [{ action, ...a }],
  });
  test("schedule computed as Key Vault does", () => {
    const k = key({ createdOn: now, expiresOn: inDays(400), rotationPolicy: rotate({ timeAfterCreate: "P90D" }) });
    expect(scheduledRotationDate(k)).toEqual(inDays(90));
    expect(scheduledRotationDate({ ...k, rotationPolicy: rotate({ timeBeforeExpiry: "P30D" }) })).toEqual(inDays(370));
    expect(scheduledRotationDate({ ...k, rotationPolicy: rotate({ timeAfterCreate: "P1Y" }) })).toEqual(
      new Date("2027-06-01T12:00:00.000Z"),
    );
    expect(scheduledRotationDate({ ...k, rotationPolicy: rotate({ timeAfterCreate: "PT48H" }) })).toEqual(inDays(2));
  });
  test("exactly N days after creation passes; one day more fails", () => {
    expect(status(r, key({ createdOn: now, rotationPolicy: rotate({ timeAfterCreate: "P365D" }) }))).toBe("pass");
    expect(status(r, key({ createdOn: now, rotationPolicy: rotate({ timeAfterCreate: "P366D" }) }))).toBe("fail");
    const p = { maximumDaysToRotate: 90 };
    expect(status(r, key({ createdOn: now, rotationPolicy: rotate({ timeAfterCreate: "P90D" }) }), p)).toBe("pass");
    expect(status(r, key({ createdOn: now, rotationPolicy: rotate({ timeAfterCreate: "P3M" }) }), p)).toBe("fail");
  });
  test("no policy, Notify only, or before-expiry on a key without expiry: no schedule, fails", () => {
    expect(status(r, key({ rotationPolicy: null }))).toBe("fail");
    expect(status(r, key({ rotationPolicy: rotate({ timeBeforeExpiry: "P30D" }, "Notify") }))).toBe("fail");
    expect(status(r, key({ expiresOn: null, rotationPolicy: rotate({ timeBeforeExpiry: "P30D" }) }))).toBe("fail");
    expect(status(r, key({ rotationPolicy: rotate({ timeAfterCreate: "garbage" }) }))).toBe("fail");
  });
  test("policy not read is unknown", () => {
    expect(status(r, key({ rotationPolicy: undefined }))).toBe("unknown");
  });
});

describe("key material", () => {
  test("allowed types: default allows RSA/EC (HSM or not), not oct-HSM; case-insensitive", () => {
    expect(status("key-allowed-types", key({ keyType: "EC-HSM" }))).toBe("pass");
    expect(status("key-allowed-types", key({ keyType: "rsa" }))).toBe("pass");
    expect(status("key-allowed-types", key({ keyType: "oct-HSM" }))).toBe("fail");
    expect(status("key-allowed-types", key({ keyType: "EC" }), { allowedKeyTypes: ["RSA"] })).toBe("fail");
    expect(status("key-allowed-types", key({ keyType: undefined }))).toBe("unknown");
  });
  test("RSA minimum: equal passes, below fails, EC not applicable", () => {
    expect(status("key-rsa-min-size", key({ keySize: 2048 }))).toBe("pass");
    expect(status("key-rsa-min-size", key({ keySize: 1024 }))).toBe("fail");
    expect(status("key-rsa-min-size", key({ keyType: "RSA-HSM", keySize: 2048 }), { minimumRSAKeySize: 3072 })).toBe(
      "fail",
    );
    expect(status("key-rsa-min-size", key({ keyType: "RSA-HSM", keySize: 3072 }), { minimumRSAKeySize: 3072 })).toBe(
      "pass",
    );
    expect(status("key-rsa-min-size", key({ keyType: "EC", keySize: null, curve: "P-256" }))).toBe("notApplicable");
    expect(() => status("key-rsa-min-size", key(), { minimumRSAKeySize: 1024 })).toThrow();
  });
  test("EC curves: allowed passes, other fails, RSA not applicable", () => {
    expect(status("key-ec-curves", key({ keyType: "EC", curve: "P-384" }))).toBe("pass");
    expect(status("key-ec-curves", key({ keyType: "EC-HSM", curve: "P-256K" }), { allowedECNames: ["P-256"] })).toBe(
      "fail",
    );
    expect(status("key-ec-curves", key({ keyType: "EC", curve: null }))).toBe("fail");
    expect(status("key-ec-curves", key())).toBe("notApplicable");
  });
  test("HSM-backed: RSA-HSM and EC-HSM pass; software keys and oct-HSM fail", () => {
    expect(status("key-hsm-backed", key({ keyType: "RSA-HSM" }))).toBe("pass");
    expect(status("key-hsm-backed", key({ keyType: "EC-HSM" }))).toBe("pass");
    expect(status("key-hsm-backed", key({ keyType: "RSA" }))).toBe("fail");
    expect(status("key-hsm-backed", key({ keyType: "oct-HSM" }))).toBe("fail");
  });
});

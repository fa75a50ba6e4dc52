import { describe, expect, test } from "vitest";
import { computeExpiryStatus, thresholdsFor, DAY_MS } from "@/lib/expiry-status";

const now = new Date("2026-06-01T12:00:00.000Z");
const th = { warningDays: 30, criticalDays: 7 };
const at = (ms: number) => new Date(now.getTime() + ms);

describe("computeExpiryStatus", () => {
  test("no expiry → healthy", () => {
    expect(computeExpiryStatus(null, now, th)).toBe("healthy");
    expect(computeExpiryStatus(undefined, now, th)).toBe("healthy");
  });
  test("expired is expiresOn <= now (exactly now is expired)", () => {
    expect(computeExpiryStatus(now, now, th)).toBe("expired");
    expect(computeExpiryStatus(at(-1), now, th)).toBe("expired");
    expect(computeExpiryStatus(at(-400 * DAY_MS), now, th)).toBe("expired");
    expect(computeExpiryStatus(at(1), now, th)).toBe("critical");
  });
  test("critical boundary: exactly criticalDays left is critical, one ms more is warning", () => {
    expect(computeExpiryStatus(at(7 * DAY_MS), now, th)).toBe("critical");
    expect(computeExpiryStatus(at(7 * DAY_MS + 1), now, th)).toBe("warning");
  });
  test("warning boundary: exactly warningDays left is warning, one ms more is healthy", () => {
    expect(computeExpiryStatus(at(30 * DAY_MS), now, th)).toBe("warning");
    expect(computeExpiryStatus(at(30 * DAY_MS + 1), now, th)).toBe("healthy");
  });
  test("criticalDays 0: only expired or warning", () => {
    const t0 = { warningDays: 14, criticalDays: 0 };
    expect(computeExpiryStatus(at(1), now, t0)).toBe("warning");
    expect(computeExpiryStatus(now, now, t0)).toBe("expired");
  });
  test("accepts ISO strings and epoch ms", () => {
    expect(computeExpiryStatus(at(3 * DAY_MS).toISOString(), now, th)).toBe("critical");
    expect(computeExpiryStatus(at(60 * DAY_MS).getTime(), now.getTime(), th)).toBe("healthy");
    expect(computeExpiryStatus("not a date", now, th)).toBe("healthy");
  });
});

describe("thresholdsFor", () => {
  const settings = {
    warningDays: 30,
    criticalDays: 7,
    perSubscription: { "AAAAAAAA-0000-0000-0000-000000000001": { warningDays: 60, criticalDays: 14 } },
  };
  test("per-subscription override, case-insensitive", () => {
    expect(thresholdsFor(settings, "aaaaaaaa-0000-0000-0000-000000000001")).toEqual({
      warningDays: 60,
      criticalDays: 14,
    });
  });
  test("falls back to global", () => {
    expect(thresholdsFor(settings, "bbbbbbbb-0000-0000-0000-000000000002")).toEqual({
      warningDays: 30,
      criticalDays: 7,
    });
    expect(thresholdsFor(settings, null)).toEqual({ warningDays: 30, criticalDays: 7 });
  });
  test("override changes the status at the same date", () => {
    const exp = at(20 * DAY_MS);
    expect(computeExpiryStatus(exp, now, thresholdsFor(settings, null))).toBe("warning");
    expect(computeExpiryStatus(exp, now, thresholdsFor(settings, "aaaaaaaa-0000-0000-0000-000000000001"))).toBe(
      "warning",
    );
    expect(
      computeExpiryStatus(at(10 * DAY_MS), now, thresholdsFor(settings, "aaaaaaaa-0000-0000-0000-000000000001")),
    ).toBe("critical");
  });
});

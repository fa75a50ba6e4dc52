import { describe, expect, it } from "vitest";
import { inWindow, matchesAny } from "@/lib/rotation/auto";
import { rotationAutoForm } from "@/lib/settings/forms";

describe("inWindow", () => {
  const w = { windowDays: [6, 0], windowStartHour: 22, windowEndHour: 24, timezone: "America/New_York" };
  it("judges the weekday and hour in the window's timezone", () => {
    // Saturday 23:00 in New York is Sunday 04:00 UTC
    expect(inWindow(w, new Date("2026-12-06T04:00:00Z"))).toBe(true);
    // Saturday 21:59 in New York: before the window
    expect(inWindow(w, new Date("2026-12-06T02:59:00Z"))).toBe(false);
    // Friday 23:00 in New York: not a window day
    expect(inWindow(w, new Date("2026-12-05T04:00:00Z"))).toBe(false);
  });
});

describe("matchesAny", () => {
  const app = { displayName: "Payments API (prod)", appId: "11111111-2222-3333-4444-555555555555" };
  it("globs on the display name or the appId, case-insensitive; other characters are literal", () => {
    expect(matchesAny(["payments*"], app)).toBe(true);
    expect(matchesAny(["*(PROD)"], app)).toBe(true);
    expect(matchesAny(["11111111-*"], app)).toBe(true);
    expect(matchesAny(["payments"], app)).toBe(false);
    expect(matchesAny(["Payments.API*"], app)).toBe(false);
    expect(matchesAny([], app)).toBe(false);
  });
});

describe("rotationAutoForm", () => {
  const base = {
    daysBeforeExpiry: "30",
    windowDays: "Mon, wed,Tue",
    windowStartHour: "2",
    windowEndHour: "6",
    windowTimezone: "Europe/Berlin",
    include: "*",
    exclude: "legacy-*, test-*",
  };
  it("turns the posted strings into the setting's values", () => {
    expect(rotationAutoForm.parse({ ...base, enabled: "on" })).toMatchObject({
      enabled: true,
      requireApproval: false,
      windowDays: [1, 2, 3],
      timezone: "Europe/Berlin",
      exclude: ["legacy-*", "test-*"],
    });
  });
  it("names the field that is wrong", () => {
    const bad = (v: Record<string, string>) => rotationAutoForm.safeParse({ ...base, ...v }).error?.issues[0].path[0];
    expect(bad({ windowDays: "Funday" })).toBe("windowDays");
    expect(bad({ windowEndHour: "2" })).toBe("windowEndHour");
    expect(bad({ windowTimezone: "Mars/Base" })).toBe("windowTimezone");
  });
});

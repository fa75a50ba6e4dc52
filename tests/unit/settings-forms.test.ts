import { describe, expect, it } from "vitest";
import { schedulePolicyError } from "@/lib/cron";
import { concurrencyForm, scheduleForm, thresholdsForm } from "@/lib/settings/forms";

const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];

describe("thresholds form", () => {
  it("takes decimal whole numbers only and names the field", () => {
    expect(thresholdsForm.parse({ warningDays: "30", criticalDays: "7" })).toEqual({
      warningDays: 30,
      criticalDays: 7,
    });
    for (const bad of ["0x1E", "1e1", "0b11", "30.5", "thirty"])
      expect(issues(thresholdsForm.safeParse({ warningDays: bad, criticalDays: "7" })), bad).toEqual([
        "warningDays: Warning (days) must be a whole number from 1 to 365.",
      ]);
  });
});

describe("schedule form", () => {
  const ok = { enabled: "on", cron: "0 */6 * * *", timezone: "Europe/Paris", mode: "delta" };
  it("accepts a five-field schedule; an absent checkbox is off", () => {
    expect(scheduleForm.parse(ok)).toEqual({ ...ok, enabled: true });
    expect(scheduleForm.parse({ ...ok, enabled: undefined }).enabled).toBe(false);
  });

  it("refuses a seconds field, schedules tighter than 15 minutes, and a checkbox that is neither on nor off", () => {
    expect(issues(scheduleForm.safeParse({ ...ok, cron: "* * * * * *" }))).toEqual([
      "cron: Use five fields: minute hour day-of-month month day-of-week.",
    ]);
    expect(issues(scheduleForm.safeParse({ ...ok, cron: "*/5 * * * *" }))).toEqual([
      "cron: Scans can run at most every 15 minutes.",
    ]);
    expect(issues(scheduleForm.safeParse({ ...ok, cron: "0,1 * * * *" }))[0]).toMatch(/at most every 15 minutes/);
    expect(issues(scheduleForm.safeParse({ ...ok, enabled: "maybe" }))[0]).toMatch(/^enabled: /);
    expect(issues(scheduleForm.safeParse({ ...ok, timezone: "Mars/Olympus" }))[0]).toMatch(/^timezone: Unknown/);
    expect(issues(scheduleForm.safeParse({ ...ok, cron: "0 */6 * * *\u0000" }))[0]).toMatch(/control characters/);
  });

  it("applies the same rule to any write of the setting", () => {
    expect(schedulePolicyError("*/15 * * * *", "UTC")).toBeNull();
    expect(schedulePolicyError("*/14 * * * *", "UTC")).toMatch(/15 minutes/);
  });
});

describe("concurrencyForm", () => {
  it("turns the posted strings into the setting; an unticked box is fixed limits", () => {
    expect(concurrencyForm.parse({ global: "48", perVault: "2", adaptive: "on" })).toEqual({
      global: 48,
      perVault: 2,
      adaptive: true,
    });
    expect(concurrencyForm.parse({ global: "8", perVault: "1" })).toMatchObject({ adaptive: false });
  });
  it("refuses out-of-range limits with the field's name", () => {
    const r = concurrencyForm.safeParse({ global: "0", perVault: "17" });
    expect(r.error?.issues.map((i) => i.path[0]).sort()).toEqual(["global", "perVault"]);
  });
});

import { describe, expect, it } from "vitest";
import { InvalidScheduleError, isCronOccurrence, nextCronRun } from "@/lib/cron";

const at = (s: string) => new Date(s);
const iso = (d: Date) => d.toISOString();

describe("nextCronRun", () => {
  it("evaluates the expression in UTC", () => {
    expect(iso(nextCronRun("0 */6 * * *", "UTC", at("2026-01-10T05:59:59Z")))).toBe("2026-01-10T06:00:00.000Z");
    // strictly after: exactly on an occurrence yields the following one
    expect(iso(nextCronRun("0 */6 * * *", "UTC", at("2026-01-10T06:00:00Z")))).toBe("2026-01-10T12:00:00.000Z");
    expect(iso(nextCronRun("0 */6 * * *", "UTC", at("2026-01-10T05:59:59.999Z")))).toBe("2026-01-10T06:00:00.000Z");
  });

  it("evaluates wall-clock time in the timezone and follows DST (Europe/Amsterdam, spring forward 2026-03-29)", () => {
    // 09:00 local is 08:00Z in winter (CET, +1) and 07:00Z in summer (CEST, +2).
    const from = at("2026-03-27T12:00:00Z");
    const e = [nextCronRun("0 9 * * *", "Europe/Amsterdam", from)];
    e.push(nextCronRun("0 9 * * *", "Europe/Amsterdam", e[0]));
    e.push(nextCronRun("0 9 * * *", "Europe/Amsterdam", e[1]));
    expect(e.map(iso)).toEqual(["2026-03-28T08:00:00.000Z", "2026-03-29T07:00:00.000Z", "2026-03-30T07:00:00.000Z"]);
  });

  it("a wall-clock time skipped by spring-forward fires once, after the gap", () => {
    // 02:30 does not exist on 2026-03-29 in Amsterdam (02:00 → 03:00).
    const first = nextCronRun("30 2 * * *", "Europe/Amsterdam", at("2026-03-28T12:00:00Z"));
    const second = nextCronRun("30 2 * * *", "Europe/Amsterdam", first);
    expect(iso(first)).toBe("2026-03-29T01:30:00.000Z"); // 03:30 CEST
    expect(iso(second)).toBe("2026-03-30T00:30:00.000Z"); // 02:30 CEST
  });

  it("a wall-clock time repeated by fall-back (2026-10-25) fires once", () => {
    const first = nextCronRun("30 2 * * *", "Europe/Amsterdam", at("2026-10-24T12:00:00Z"));
    const second = nextCronRun("30 2 * * *", "Europe/Amsterdam", first);
    expect(iso(first)).toBe("2026-10-25T00:30:00.000Z"); // 02:30 CEST, the first of the two
    expect(iso(second)).toBe("2026-10-26T01:30:00.000Z"); // 02:30 CET
  });

  it("differs from the same expression in UTC", () => {
    const from = at("2026-07-01T00:00:00Z");
    expect(iso(nextCronRun("0 9 * * *", "UTC", from))).toBe("2026-07-01T09:00:00.000Z");
    expect(iso(nextCronRun("0 9 * * *", "America/New_York", from))).toBe("2026-07-01T13:00:00.000Z");
  });

  it("rejects a bad expression or timezone with InvalidScheduleError", () => {
    expect(() => nextCronRun("not a cron", "UTC", new Date())).toThrow(InvalidScheduleError);
    expect(() => nextCronRun("0 9 * * *", "Mars/Olympus", new Date())).toThrow(/unknown timezone/);
  });
});

describe("isCronOccurrence", () => {
  it("recognises firing times of the expression in its timezone", () => {
    expect(isCronOccurrence("0 9 * * *", "Europe/Amsterdam", at("2026-03-29T07:00:00Z"))).toBe(true);
    expect(isCronOccurrence("0 9 * * *", "Europe/Amsterdam", at("2026-03-29T08:00:00Z"))).toBe(false);
    expect(isCronOccurrence("0 */6 * * *", "UTC", at("2026-01-10T12:00:00Z"))).toBe(true);
    expect(isCronOccurrence("0 */3 * * *", "UTC", at("2026-01-10T12:00:00Z"))).toBe(true);
    expect(isCronOccurrence("0 */6 * * *", "UTC", at("2026-01-10T09:00:00Z"))).toBe(false);
  });
});

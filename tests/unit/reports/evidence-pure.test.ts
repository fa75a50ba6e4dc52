/** The pure pieces of the evidence code: CSV cells, parameter text, word breaks in tables, the monthly period. */
import { describe, expect, it } from "vitest";
import { csvLine } from "@/lib/csv";
import { formatParams } from "@/lib/reports/collect";
import { breakable } from "@/lib/reports/pdf/table";
import { previousMonth } from "@/lib/scheduler/jobs";

describe("CSV lines", () => {
  it("quotes separators, quotes and newlines; neutralises formulas; leaves numbers numeric", () => {
    expect(csvLine(["a,b", 'say "hi"', "two\nlines", '=HYPERLINK("x")', "+1", "@sum", -400, 3.5, null, true])).toBe(
      `"a,b","say ""hi""","two\nlines","'=HYPERLINK(""x"")",'+1,'@sum,-400,3.5,,true\r\n`,
    );
  });
});

describe("rule parameters for people", () => {
  it("names each parameter, lists comma-separated, says none when there are none", () => {
    expect(formatParams({ allowedKeyTypes: ["RSA", "EC"], minimumDays: 30 })).toBe(
      "allowedKeyTypes: RSA, EC; minimumDays: 30",
    );
    expect(formatParams({})).toBe("none");
  });
});

describe("table word breaks", () => {
  it("adds only invisible break opportunities to long tokens", () => {
    const hash = "a".repeat(64);
    const out = breakable(hash);
    expect(out).not.toBe(hash);
    expect(out.replace(/\u200b/g, "")).toBe(hash);
    expect(breakable("short words stay")).toBe("short words stay");
  });
});

describe("monthly package period", () => {
  it("is the whole previous calendar month in UTC, across a year boundary too", () => {
    expect(previousMonth(new Date("2026-12-01T03:00:00Z"))).toEqual({
      from: "2026-11-01T00:00:00.000Z",
      to: "2026-11-30T23:59:59.999Z",
    });
    expect(previousMonth(new Date("2027-01-01T03:00:00Z")).from).toBe("2026-12-01T00:00:00.000Z");
  });
});

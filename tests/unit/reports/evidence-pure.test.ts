/** The pure pieces of the evidence code: CSV cells, parameter text, word breaks in tables, the monthly period. */
import { describe, expect, it } from "vitest";
import { csvLine } from "@/lib/csv";
import { formatParams } from "@/lib/reports/collect";
import { breakable, cellLines, columnChars } from "@/lib/reports/pdf/table";
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
  it("cuts a token longer than its column into lines that fit, after a separator where one falls late enough", () => {
    const hash = "a".repeat(64);
    const out = breakable(hash, 20);
    expect(out.split("\n").map((l) => l.length)).toEqual([20, 20, 20, 4]);
    expect(out.replace(/\n/g, "")).toBe(hash);
    expect(breakable("vault kv-payments-prod-westeurope-01", 20)).toBe("vault kv-payments-prod-\nwesteurope-01");
    expect(breakable("short words stay", 20)).toBe("short words stay");
  });

  it("knows how many characters a column holds, and how many lines a cell takes", () => {
    // a whole-width column of Plex Sans at 8.5 pt, ids at ~0.53 em: (515 − 6) / (8.5 × 0.55)
    expect(columnChars(1)).toBe(108);
    expect(columnChars(0.1, true)).toBe(10);
    expect(cellLines("short", 20)).toBe(1);
    expect(cellLines("compliance-snapshot 3f2b8c1e-13-4e0b-9a51-0c6e1d2f7a88", 16)).toBe(5);
    expect(cellLines("expires in 2 days (within 30)", 20)).toBe(2);
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

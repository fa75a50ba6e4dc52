/** The pure pieces of the evidence code: CSV cells, parameter text, word breaks in tables, the monthly period. */
import { describe, expect, it } from "vitest";
import { csvLine } from "@/lib/csv";
import { formatParams } from "@/lib/reports/collect";
import { textWidth, wrapText } from "@/lib/reports/pdf/measure";
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

describe("table line breaks (measured in the PDF's fonts)", () => {
  it("packs words into lines no wider than the column, keeping the text's own line breaks", () => {
    const lines = wrapText("expires in 2 days (within 30)\nsecond", 60, "sans", 8.5);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.at(-1)).toBe("second");
    expect(lines.slice(0, -1).join(" ")).toBe("expires in 2 days (within 30)");
    for (const l of lines) expect(textWidth(l, "sans", 8.5)).toBeLessThanOrEqual(60);
    expect(wrapText("short words stay", 200, "sans", 8.5)).toEqual(["short words stay"]);
  });

  it("cuts a token longer than its column, after a separator where one falls late enough, else at the width", () => {
    const hash = "a".repeat(64);
    const cut = wrapText(hash, 20 * textWidth("a", "mono", 7), "mono", 7);
    expect(cut.map((l) => l.length)).toEqual([20, 20, 20, 4]);
    const id = wrapText(
      "vault kv-payments-prod-westeurope-01",
      textWidth("kv-payments-prod-west", "sans", 8.5),
      "sans",
      8.5,
    );
    expect(id).toEqual(["vault", "kv-payments-prod-", "westeurope-01"]);
  });

  it("measures with the font's advances: wide letters take more room than narrow ones", () => {
    expect(textWidth("WWWW", "sans", 8.5)).toBeGreaterThan(textWidth("iiii", "sans", 8.5) * 2);
    expect(textWidth("WWWW", "mono", 7)).toBeCloseTo(textWidth("iiii", "mono", 7), 5);
    expect(textWidth("abc", "sans", 17)).toBeCloseTo(2 * textWidth("abc", "sans", 8.5), 5);
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

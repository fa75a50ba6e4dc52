import { describe, expect, it } from "vitest";
import { auditQueryInput } from "@/lib/audit/query";
import { csvCell } from "@/lib/csv";
import { exportAssetsInput } from "@/lib/inventory/export-assets";
import { listAssetsInput } from "@/lib/inventory/list-assets";
import { ZodError } from "zod";
import {
  assertNoControlChars,
  findControlChars,
  guid,
  isoDate,
  parseIsoDate,
  text,
  wholeNumber,
} from "@/lib/validation";

describe("text()", () => {
  it("refuses control characters (NUL, tabs, line breaks, DEL) and trims", () => {
    const t = text(20, { label: "Name" });
    expect(t.parse("  kv-prod ")).toBe("kv-prod");
    for (const bad of ["a\u0000b", "\u0000", "a\tb", "a\nb", "a\rb", "a\u007fb", "\u001b[31m"])
      expect(t.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    expect(t.safeParse("a\u0000b").error?.issues[0].message).toBe("Name must not contain control characters.");
    expect(t.safeParse("x".repeat(21)).success).toBe(false);
  });

  it("applies where the inventory filters read text", () => {
    expect(listAssetsInput.safeParse({ q: "db\u0000" }).success).toBe(false);
    expect(listAssetsInput.safeParse({ vault: "kv\u0000" }).success).toBe(false);
    expect(listAssetsInput.safeParse({ q: "db-password" }).success).toBe(true);
  });
});

describe("wholeNumber()", () => {
  const n = wholeNumber(0, 365, "Warning");
  it("accepts decimal strings and integers only", () => {
    expect(n.parse("30")).toBe(30);
    expect(n.parse(" 7 ")).toBe(7);
    expect(n.parse(12)).toBe(12);
    for (const bad of ["0x1E", "1e1", "0b11", "0o7", "3.5", "", " ", "30 days", "Infinity", "NaN", 3.5, "366", "-1"])
      expect(n.safeParse(bad).success, String(bad)).toBe(false);
    expect(n.safeParse("0x1E").error?.issues[0].message).toBe("Warning must be a whole number from 0 to 365.");
  });

  it("bounds list pages", () => {
    expect(listAssetsInput.safeParse({ page: "1e3" }).success).toBe(false);
    expect(listAssetsInput.parse({ page: "3" }).page).toBe(3);
  });
});

describe("isoDate()", () => {
  it("parses dates and date-times with a four-digit year; an end date means the whole day", () => {
    expect(isoDate("start").parse("2026-01-31").toISOString()).toBe("2026-01-31T00:00:00.000Z");
    expect(isoDate("end").parse("2026-01-31").toISOString()).toBe("2026-01-31T23:59:59.999Z");
    expect(isoDate("end").parse("2026-01-31T12:00:00+02:00").toISOString()).toBe("2026-01-31T10:00:00.000Z");
  });

  it("refuses what PostgreSQL or JavaScript would misread", () => {
    for (const bad of [
      "+275760-09-13",
      "-000001-01-01T00:00:00Z",
      "garbage",
      "0",
      "2024-13-45",
      "2024-02-30",
      "2024-1-5",
      "2026-01-31T12:00:00",
      "0000-01-01",
    ])
      expect(parseIsoDate(bad), bad).toBeNull();
  });

  it("is the one parser of the audit query (API and page alike)", () => {
    expect(auditQueryInput.safeParse({ to: "garbage" }).success).toBe(false);
    expect(auditQueryInput.safeParse({ from: "+275760-09-13" }).success).toBe(false);
    expect(auditQueryInput.parse({ from: "2026-01-01", to: "2026-01-01" })).toMatchObject({
      from: new Date("2026-01-01T00:00:00Z"),
      to: new Date("2026-01-01T23:59:59.999Z"),
    });
  });
});

describe("guid() and findControlChars()", () => {
  it("lower-cases GUIDs and names what is wrong", () => {
    expect(guid().parse(" 0A1B2C3D-0000-0000-0000-000000000000 ")).toBe("0a1b2c3d-0000-0000-0000-000000000000");
    expect(guid("Subscription").safeParse("not-a-guid").error?.issues[0].message).toMatch(/^Subscription must be/);
  });

  it("finds a control character anywhere in a request body", () => {
    expect(findControlChars({ a: ["ok", { b: "x\u0000" }] })).toEqual(["a", 1, "b"]);
    expect(findControlChars({ "k\u0007": "v" })).toEqual(["k?"]);
    expect(findControlChars("\u007f")).toEqual([]);
    expect(findControlChars({ ok: "fine", n: 3, when: new Date(0), nothing: null })).toBeNull();
  });

  it("assertNoControlChars throws a ZodError with the path, so every transport maps it as invalid input", () => {
    expect(() => assertNoControlChars({ q: "ok", list: ["x"] })).not.toThrow();
    const err = (() => {
      try {
        assertNoControlChars({ list: ["ok", "x\u0000"] });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ZodError);
    expect((err as ZodError).issues[0]).toMatchObject({ path: ["list", 1], message: expect.stringMatching(/control/) });
  });
});

describe("CSV", () => {
  it("writes numbers as numbers (negative days sort in a spreadsheet) and still neutralises formula text", () => {
    expect(csvCell(-400)).toBe("-400");
    expect(csvCell(0)).toBe("0");
    expect(csvCell("-400")).toBe("'-400");
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell(Number.NaN)).toBe("NaN");
  });

  it("takes no batch size from the client", () => {
    expect(exportAssetsInput.parse({ batchSize: "1", status: "expired" })).toEqual({ status: "expired" });
  });
});

describe("scan history paging", () => {
  it("takes decimal page numbers only (no 1e1, 0x10 or 2.0)", async () => {
    const { scanHistoryInput } = await import("@/lib/discovery/scan-read-models");
    expect(scanHistoryInput.parse({ page: "3", pageSize: "50" })).toEqual({ page: 3, pageSize: 50 });
    for (const page of ["1e1", "0x10", "2.0", "-1", "maybe"])
      expect(scanHistoryInput.safeParse({ page }).success).toBe(false);
  });
});

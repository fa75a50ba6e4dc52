import { describe, expect, it } from "vitest";
import { clampPage, pageCount } from "@/app/_components/paging";

describe("pageCount", () => {
  it("rounds up and is never below one", () => {
    expect(pageCount(0, 50)).toBe(1);
    expect(pageCount(50, 50)).toBe(1);
    expect(pageCount(51, 50)).toBe(2);
    expect(pageCount(1_741, 50)).toBe(35);
  });
});

describe("clampPage", () => {
  it("turns a page past the end into the last page", () => {
    expect(clampPage(999, 1_741, 50)).toBe(35);
  });

  it("keeps a page in range", () => {
    expect(clampPage(7, 1_741, 50)).toBe(7);
    expect(clampPage(35, 1_741, 50)).toBe(35);
  });

  it("is page 1 for an empty list and for pages below 1", () => {
    expect(clampPage(4, 0, 25)).toBe(1);
    expect(clampPage(0, 100, 25)).toBe(1);
    expect(clampPage(-3, 100, 25)).toBe(1);
  });
});

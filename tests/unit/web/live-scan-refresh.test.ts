import { describe, expect, it } from "vitest";
import { pageIsStale } from "@/app/(console)/scans/_components/refresh-rule";

describe("the live scan card keeps the page around it current", () => {
  it("refreshes when a queued scan starts running, not only when it ends", () => {
    expect(pageIsStale("queued", "running")).toBe(true);
    expect(pageIsStale("running", "completed")).toBe(true);
  });

  it("does not refresh on every poll while nothing changed", () => {
    expect(pageIsStale("running", "running")).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { ariaSort, nextSortDir, sortState } from "@/app/_components/sort";

describe("ariaSort", () => {
  it("names the active column's direction and 'none' for the others", () => {
    expect(ariaSort({ key: "name", dir: "asc" }, "name")).toBe("ascending");
    expect(ariaSort({ key: "name", dir: "desc" }, "name")).toBe("descending");
    expect(ariaSort({ key: "name", dir: "asc" }, "expiry")).toBe("none");
  });
});

describe("nextSortDir", () => {
  it("flips the active column", () => {
    expect(nextSortDir({ key: "name", dir: "asc" }, "name", "asc")).toBe("desc");
    expect(nextSortDir({ key: "name", dir: "desc" }, "name", "asc")).toBe("asc");
  });

  it("starts another column in its own default direction", () => {
    expect(nextSortDir({ key: "name", dir: "asc" }, "updated", "desc")).toBe("desc");
    expect(nextSortDir({ key: "updated", dir: "asc" }, "expiry", "asc")).toBe("asc");
  });
});

describe("sortState", () => {
  const state = sortState({
    path: "/inventory",
    params: { type: "key", sort: "expiry", dir: "asc", pageSize: "100" },
    key: "expiry",
    dir: "asc",
    defaultDir: (k) => (k === "updated" ? "desc" : "asc"),
  });

  it("links headers with the filters and page size kept, back to page 1", () => {
    expect(state.hrefFor("expiry")).toBe("/inventory?type=key&sort=expiry&dir=desc&pageSize=100");
    expect(state.hrefFor("updated")).toBe("/inventory?type=key&sort=updated&dir=desc&pageSize=100");
    expect(state.hrefFor("name")).toBe("/inventory?type=key&sort=name&dir=asc&pageSize=100");
  });
});

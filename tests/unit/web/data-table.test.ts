import { createElement as h } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { DataTable, type Column } from "@/app/_components/data-table";
import { Pager } from "@/app/_components/pager";
import { sortState } from "@/app/_components/sort";

interface Row {
  id: string;
  name: string;
  size: number;
}

const COLUMNS: Column<Row>[] = [
  { header: "Name", sortKey: "name", cell: (r) => r.name, detail: (r) => `id ${r.id}` },
  { header: "Size", sortKey: "size", align: "right", cell: (r) => r.size },
  { header: "Note", cell: () => "—" },
];

const sort = sortState({ path: "/things", params: { q: "x" }, key: "size", dir: "desc", defaultDir: () => "asc" });

const table = (rows: Row[], extra: Partial<Parameters<typeof DataTable<Row>>[0]> = {}) =>
  renderToStaticMarkup(
    h(DataTable<Row>, {
      label: "Things",
      columns: COLUMNS,
      rows,
      rowKey: (r) => r.id,
      empty: "Nothing here.",
      sort,
      ...extra,
    }),
  );

describe("DataTable", () => {
  it("marks sortable headers with aria-sort and links them to the next order", () => {
    const html = table([{ id: "1", name: "a", size: 2 }]);
    expect(html).toMatch(/<th scope="col" aria-sort="none"><a [^>]*href="\/things\?q=x&amp;sort=name&amp;dir=asc"/);
    expect(html).toMatch(
      /<th scope="col" class="text-right" aria-sort="descending"><a [^>]*href="\/things\?q=x&amp;sort=size&amp;dir=asc"/,
    );
    expect(html).toContain('<th scope="col">Note</th>');
    expect(html).toContain("↓");
  });

  it("scrolls in a labelled, focusable region with a caption", () => {
    const html = table([]);
    expect(html).toMatch(/^<div role="region" aria-label="Things" tabindex="0"/);
    expect(html).toContain('<caption class="sr-only">Things</caption>');
  });

  it("shows the empty message across all columns", () => {
    expect(table([])).toMatch(/<td colSpan="3"[^>]*>Nothing here\.<\/td>/);
  });

  it("makes the first cell a link when rows link, with the detail outside it", () => {
    const html = table([{ id: "7", name: "seven", size: 1 }], { rowHref: (r) => `/things/${r.id}` });
    expect(html).toMatch(/<td><a [^>]*href="\/things\/7"[^>]*>seven<\/a><div[^>]*>id 7<\/div><\/td>/);
    expect(html.match(/<a [^>]*href="\/things\/7"/g)).toHaveLength(1);
  });
});

describe("Pager", () => {
  const pager = (page: number, total: number) =>
    renderToStaticMarkup(
      h(Pager, {
        path: "/things",
        view: { page, pageSize: 50, total, defaultPageSize: 50, params: { q: "x" } },
        noun: "thing",
        testId: "total",
      }),
    );

  it("clamps a page past the end and links back from the last page", () => {
    const html = pager(999, 1_741);
    expect(html).toContain("1,741 things · page 35 of 35");
    expect(html).toMatch(/<a [^>]*href="\/things\?q=x&amp;page=34" rel="prev"/);
    expect(html).not.toContain("page=36");
  });

  it("keeps the filters in page and page-size links; the default size leaves the URL", () => {
    const html = pager(2, 120);
    expect(html).toMatch(/<a [^>]*href="\/things\?q=x" rel="prev"/);
    expect(html).toMatch(/<a [^>]*href="\/things\?q=x&amp;page=3" rel="next"/);
    expect(html).toContain('href="/things?q=x&amp;pageSize=100"');
    expect(html).not.toContain("pageSize=50");
  });
});

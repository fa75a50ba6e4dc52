/**
 * Long tables in the PDFs (tablePages): split into <Page> groups so that react-pdf's layout stays linear in the rows
 * (one Page of n rows costs O(n²): 2,000 rows took 55 s). Rendered for real and read back with pdftotext: every row
 * once and in order, the header on every page, page x of y, and no group spilling onto a page of its own.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createElement as h } from "react";
import { describe, expect, it } from "vitest";
import { renderPdfDocument } from "@/lib/reports/render";
import { SectionPage } from "@/lib/reports/pdf/frame";
import { Document, Text } from "@/lib/reports/pdf/primitives";
import { tablePages, type Column } from "@/lib/reports/pdf/table";

interface Row {
  name: string;
  n: number;
}
const COLUMNS: Column<Row>[] = [
  { title: "Vault name", width: 3, value: (r) => r.name },
  { title: "Objects", width: 1, align: "right", value: (r) => r.n },
];
const meta = { tenant: "Contoso", generatedAt: "2026-12-01T12:00:00.000Z" };

describe("tablePages", () => {
  it("splits rows into a first group (after the head) and groups of `per`, the tail after the last", () => {
    const rows = Array.from({ length: 95 }, (_, i) => ({ name: `kv-${i}`, n: i }));
    const groups = tablePages({ columns: COLUMNS, rows }, { head: "HEAD", tail: "TAIL", first: 15, per: 40 });
    expect(groups).toHaveLength(3); // 15 + 40 + 40
    const empty = tablePages({ columns: COLUMNS, rows: [], empty: "None here." }, { head: "HEAD" });
    expect(empty).toHaveLength(1);
  });

  it("renders 230 rows of mixed heights as one page per group, every row once, in order, the header on every page", async () => {
    // every third row carries an ARM id that wraps onto several lines: groups hold fewer of those
    const id = "/subscriptions/00000000-0000-4000-8000-00000000b00c/resourcegroups/rg-payments/providers/x/y";
    const rows = Array.from({ length: 230 }, (_, i) => ({
      name: `kv-row-${String(i).padStart(3, "0")}${i % 3 ? "" : ` ${id}`}`,
      n: i * 3,
    }));
    const groups = tablePages(
      { columns: COLUMNS, rows },
      { head: h(Text, {}, "Vaults head"), tail: h(Text, {}, "End of vaults"), first: 30, per: 40 },
    );
    const doc = h(
      Document,
      {},
      groups.map((g, i) =>
        h(SectionPage, {
          key: i,
          meta,
          docTitle: "Test",
          title: "Vaults",
          bookmark: i === 0 ? undefined : false,
          children: g,
        }),
      ),
    );
    const { pdf } = await renderPdfDocument(doc, [], new Date(meta.generatedAt));
    const file = path.join(mkdtempSync(path.join(tmpdir(), "cc-long-table-")), "t.pdf");
    writeFileSync(file, pdf);
    const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" }).replace(/\u200b/g, "");
    const pages = text.split("\f").filter((p) => p.trim());
    expect(groups.length).toBeGreaterThan(230 / 40); // wrapped rows count for their height
    expect(pages).toHaveLength(groups.length); // one page per group: none spilled
    for (const [i, p] of pages.entries()) {
      expect(p).toContain("Vault name");
      expect(p).toContain(`Page ${i + 1} of ${groups.length}`);
    }
    const seen = [...text.matchAll(/kv-row-(\d{3})/g)].map((m) => Number(m[1]));
    expect(seen).toEqual(rows.map((_, i) => i));
    // the columns are written separately: each row's number sits on its name's line, flush with the right edge
    const boxes = execFileSync("pdftotext", ["-bbox", file, "-"], { encoding: "utf8" })
      .split("<page ")
      .slice(1)
      .flatMap((page, p) =>
        [...page.matchAll(/<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map(
          (m) => ({ p, x: Number(m[1]), y: Number(m[2]), w: m[3] }),
        ),
      );
    for (const [i] of rows.entries()) {
      const name = boxes.find((b) => b.w.startsWith(`kv-row-${String(i).padStart(3, "0")}`))!;
      const n = boxes.find((b) => b.p === name.p && b.w === String(i * 3) && Math.abs(b.y - name.y) < 0.5);
      expect(n, `row ${i}`).toBeDefined();
      expect(n!.x).toBeCloseTo(595.28 - 40 - 3, 0);
    }
    expect(pages[0]).toContain("Vaults head");
    expect(pages.at(-1)).toContain("End of vaults");
  }, 60_000);
});

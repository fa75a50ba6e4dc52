/**
 * "Page x of y" is stamped by pdfkit once the page count is known (page-numbers.tsx), not laid out by react-pdf: this
 * reads the rendered PDF's word boxes back (pdftotext -bbox) and checks that every page with the running footer is
 * numbered against the document's whole page count, on the footer's baseline and flush with its right edge, and that
 * a page without the footer gets no number.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createElement as h } from "react";
import { describe, expect, it } from "vitest";
import { renderPdfDocument } from "@/lib/reports/render";
import { SectionPage } from "@/lib/reports/pdf/frame";
import { Document, Page, Text } from "@/lib/reports/pdf/primitives";

const meta = { tenant: "Contoso", generatedAt: "2026-12-01T12:00:00.000Z" };
const A4_WIDTH = 595.28;

interface Word {
  page: number;
  text: string;
  xMax: number;
  yMax: number;
}

function words(pdf: Buffer): Word[] {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "cc-page-numbers-")), "p.pdf");
  writeFileSync(file, pdf);
  const xml = execFileSync("pdftotext", ["-bbox", file, "-"], { encoding: "utf8" });
  const out: Word[] = [];
  for (const [i, page] of xml.split("<page ").slice(1).entries())
    for (const m of page.matchAll(/<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g))
      out.push({ page: i + 1, text: m[3], xMax: Number(m[1]), yMax: Number(m[2]) });
  return out;
}

describe("page numbers", () => {
  it("numbers every footer page against the whole document, on the footer's baseline, flush right", async () => {
    // a page of its own without the footer (as the cover), then a section that runs over two pages, then one more
    const long = Array.from({ length: 90 }, (_, i) => h(Text, { key: i }, `line ${i}`));
    const doc = h(Document, {}, [
      h(Page, { key: "cover", size: "A4" }, h(Text, {}, "Cover")),
      h(SectionPage, { key: "a", meta, docTitle: "Test", title: "A", children: long }),
      h(SectionPage, { key: "b", meta, docTitle: "Test", title: "B", children: h(Text, {}, "Short") }),
    ]);
    const { pdf } = await renderPdfDocument(doc, [], new Date(meta.generatedAt));
    const all = words(pdf);
    const pages = Math.max(...all.map((w) => w.page));
    expect(pages).toBe(4);
    expect(all.filter((w) => w.page === 1 && w.text === "Page")).toHaveLength(0);
    for (let p = 2; p <= pages; p++) {
      const on = all.filter((w) => w.page === p);
      const at = on.findIndex((w) => w.text === "Page");
      expect(on.slice(at, at + 4).map((w) => w.text)).toEqual(["Page", String(p), "of", String(pages)]);
      const generated = on.find((w) => w.text === "Generated")!;
      expect(on[at].yMax).toBeCloseTo(generated.yMax, 1);
      expect(on[at + 3].xMax).toBeCloseTo(A4_WIDTH - 40, 0);
    }
  }, 60_000);
});

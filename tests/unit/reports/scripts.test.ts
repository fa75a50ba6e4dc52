/**
 * Names in other scripts print in the PDFs: Latin Extended, Cyrillic and Greek in the sans and mono faces (bundled
 * subsets of IBM Plex, chosen glyph by glyph). Rendered for real and read back with pdftotext.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createElement as h } from "react";
import { expect, it } from "vitest";
import { SectionPage } from "@/lib/reports/pdf/frame";
import { Document, Text } from "@/lib/reports/pdf/primitives";
import { s } from "@/lib/reports/pdf/styles";
import { renderPdfDocument } from "@/lib/reports/render";

const NAMES = ["Zażółć gęślą jaźń", "Łódź–Škoda–Ærø", "Платёжный шлюз", "Πληρωμές API", "kv-ģeogrāfija-ŵ"];

it("prints Latin Extended, Cyrillic and Greek names in the sans and the mono face", async () => {
  const meta = { tenant: "Contoso", generatedAt: "2026-12-01T12:00:00.000Z" };
  const doc = h(
    Document,
    {},
    h(SectionPage, {
      meta,
      docTitle: "Scripts",
      title: "Names",
      children: [
        ...NAMES.map((n, i) => h(Text, { key: `s${i}` }, `sans: ${n}`)),
        ...NAMES.slice(0, 3).map((n, i) => h(Text, { key: `m${i}`, style: s.mono }, `mono: ${n}`)),
      ],
    }),
  );
  const { pdf } = await renderPdfDocument(doc, [], new Date(meta.generatedAt));
  const file = path.join(mkdtempSync(path.join(tmpdir(), "cc-scripts-")), "t.pdf");
  writeFileSync(file, pdf);
  const text = execFileSync("pdftotext", [file, "-"], { encoding: "utf8" }).normalize("NFC");
  for (const n of NAMES) expect(text).toContain(`sans: ${n}`);
  for (const n of NAMES.slice(0, 3)) expect(text).toContain(`mono: ${n}`);
}, 60_000);

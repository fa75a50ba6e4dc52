/**
 * The embedded files' own objects (embed-files.ts, written with node:crypto's MD5 instead of pdfkit's file()): read
 * back with pdfdetach, each file comes out byte for byte, and its stream dictionary carries the checksum and size of
 * what it holds, with the mime type and description.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createElement as h } from "react";
import { describe, expect, it } from "vitest";
import { renderPdfDocument } from "@/lib/reports/render";
import { Document, Page, Text } from "@/lib/reports/pdf/primitives";

describe("embedded files", () => {
  it("attaches each file whole, with its MD5 checksum, size, mime type and description", async () => {
    const files = [
      { name: "a.csv", description: "First (file)", mime: "text/csv", data: Buffer.from("id,name\n1,één\n") },
      { name: "b.jsonl", description: "Second", mime: "application/jsonl", data: Buffer.alloc(70_000, "x") },
    ].map((f) => ({ ...f, rows: 1, bytes: f.data.length, sha256: "" }));
    const doc = h(Document, {}, h(Page, { size: "A4" }, h(Text, {}, "Body")));
    const { pdf } = await renderPdfDocument(doc, files, new Date("2026-12-01T00:00:00Z"));
    const dir = mkdtempSync(path.join(tmpdir(), "cc-embed-"));
    writeFileSync(path.join(dir, "d.pdf"), pdf);
    const list = execFileSync("pdfdetach", ["-list", path.join(dir, "d.pdf")], { encoding: "utf8" });
    expect(list).toContain("2 embedded files");
    execFileSync("pdfdetach", ["-saveall", "-o", dir, path.join(dir, "d.pdf")]);
    const text = pdf.toString("latin1");
    for (const f of files) {
      expect(readFileSync(path.join(dir, f.name)).equals(f.data)).toBe(true);
      const md5 = createHash("md5").update(f.data).digest("hex");
      expect(text).toMatch(new RegExp(`/CheckSum \\(${md5}\\)[^>]*/Size ${f.data.length}`));
      expect(text).toContain(`/Subtype /${f.mime.replace("/", "#2F")}`);
      expect(text).toContain(`/Desc (${f.description.replace(/[()]/g, "\\$&")})`);
    }
  }, 60_000);
});

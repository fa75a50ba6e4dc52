/**
 * PDF file attachments: each file an EmbeddedFile stream with its size, dates and MD5 checksum, listed in the
 * document's EmbeddedFiles name tree and its /AF array (PDF 2.0 §7.11.4, §14.13). pdfkit's own `file()` writes the
 * same objects but computes the checksum with a pure-JavaScript MD5 — 0.5 s of a 1,000-vault package's 35 MB of CSVs —
 * so the objects are written here with node:crypto's.
 */
import { createHash } from "node:crypto";

export interface EmbeddedFile {
  name: string;
  description: string;
  mime: string;
  data: Buffer;
}

/** The part of pdfkit's document this module and the render job use. */
export interface PdfDoc {
  options: { bufferPages?: boolean };
  ref(body: Record<string, unknown>): { end(data?: Uint8Array): void };
  addNamedEmbeddedFile(name: string, ref: unknown): void;
  _root: { data: { AF?: unknown[] } };
  bufferedPageRange(): { start: number; count: number };
  switchToPage(n: number): unknown;
  save(): PdfDoc;
  restore(): PdfDoc;
  font(src: string): PdfDoc;
  fontSize(size: number): PdfDoc;
  fillColor(colour: string): PdfDoc;
  widthOfString(text: string): number;
  text(text: string, x: number, y: number, options: Record<string, unknown>): PdfDoc;
  _ctm: number[];
  _font: unknown;
  _fontFamilies: Record<string, unknown>;
  page: { height: number };
}

/** A mime type as a PDF name, escaped as pdfkit's own `file()` does: `text/csv` → `/text#2Fcsv`. */
const mimeName = (mime: string) =>
  mime.replace(
    /[\x00-\x20\x7f#%()/<>[\]{}]/g,
    (c) => `#${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );

export function embedFiles(doc: PdfDoc, files: readonly EmbeddedFile[], at: Date): void {
  for (const f of files) {
    const stream = doc.ref({
      Type: "EmbeddedFile",
      Subtype: mimeName(f.mime),
      Params: {
        CreationDate: at,
        ModDate: at,
        // as pdfkit writes it: the hex digest as a string
        CheckSum: new String(createHash("md5").update(f.data).digest("hex")),
        Size: f.data.byteLength,
      },
    });
    stream.end(f.data);
    const spec = doc.ref({
      Type: "Filespec",
      AFRelationship: "Data",
      F: new String(f.name),
      UF: new String(f.name),
      EF: { F: stream },
      Desc: new String(f.description),
    });
    spec.end();
    doc.addNamedEmbeddedFile(f.name, spec);
    (doc._root.data.AF ??= []).push(spec);
  }
}

import type { PdfDoc } from "./embed-files";

/**
 * Sets the document's font from a font file, the way pdfkit's `font(path)` does — but once per file and document:
 * when the file holds a font the document already has open under its name (react-pdf opened it), pdfkit keeps that
 * one without remembering the path, and read and parsed the file again at every call (~15 ms each; thousands of
 * calls in a large table).
 */
export function selectFont(doc: PdfDoc, file: string): void {
  doc.font(file);
  doc._fontFamilies[file] ??= doc._font;
}

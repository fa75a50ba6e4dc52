/**
 * What a render asks of pdfkit beyond what react-pdf does with it: embedded files (react-pdf has no element for them)
 * and page numbers stamped once the page count is known (see page-numbers.ts). react-pdf creates its pdfkit document
 * itself, so pdfkit's class is patched once: a render started inside `withRenderJob` finds its job in
 * AsyncLocalStorage (react-pdf's render is one async chain from layout to end); any other render is left alone.
 */
import { embedFiles, type EmbeddedFile, type PdfDoc } from "./embed-files";
import { stampPageNumbers } from "./page-numbers";
import { renderStore as pending } from "./render-store";

const patched = new WeakSet<object>();

function patchOnce(PDFDocument: { prototype: object }) {
  if (patched.has(PDFDocument.prototype)) return;
  patched.add(PDFDocument.prototype);
  const proto = PDFDocument.prototype as unknown as PdfDoc & {
    addPage: (o?: unknown) => unknown;
    end: () => unknown;
  };
  const { addPage, end } = proto;
  proto.addPage = function (this: typeof proto, o?: unknown) {
    const job = pending.getStore();
    // pages stay open until the end, where their numbers are stamped (pdfkit reads this option at every addPage)
    if (job) this.options.bufferPages = true;
    const r = addPage.call(this, o);
    if (job) {
      job.doc = this;
      job.page = this.bufferedPageRange().count - 1;
    }
    return r;
  };
  proto.end = function (this: typeof proto) {
    const job = pending.getStore();
    if (job) {
      stampPageNumbers(this, job.slots, this.bufferedPageRange().count);
      embedFiles(this, job.files, job.at);
    }
    return end.call(this);
  };
}

/** `PDFDocument`: pdfkit's class as the renderer imported it (its ESM build is a module instance of its own). */
export function withRenderJob<T>(
  PDFDocument: { prototype: object },
  files: readonly EmbeddedFile[],
  at: Date,
  render: () => Promise<T>,
): Promise<T> {
  patchOnce(PDFDocument);
  return pending.run({ files, at, page: -1, slots: [] }, render);
}

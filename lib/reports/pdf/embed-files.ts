/**
 * PDF file attachments. @react-pdf/renderer has no element for embedded files, but the pdfkit document it renders
 * with has `file()`; it must be called before the document ends. So `end` is wrapped once: a render started inside
 * `withEmbeddedFiles` finds its files in AsyncLocalStorage (react-pdf's render is one async chain from layout to end)
 * and adds them as embedded files (listed in the PDF's EmbeddedFiles name tree and its /AF array).
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface EmbeddedFile {
  name: string;
  description: string;
  mime: string;
  data: Buffer;
}

const pending = new AsyncLocalStorage<{ files: readonly EmbeddedFile[]; at: Date }>();
const patched = new WeakSet<object>();

function patchOnce(PDFDocument: { prototype: object }) {
  if (patched.has(PDFDocument.prototype)) return;
  patched.add(PDFDocument.prototype);
  const proto = PDFDocument.prototype as unknown as {
    end: () => unknown;
    file: (data: Uint8Array, o: Record<string, unknown>) => void;
  };
  const end = proto.end;
  proto.end = function (this: typeof proto) {
    const job = pending.getStore();
    if (job)
      for (const f of job.files)
        this.file(new Uint8Array(f.data), {
          name: f.name,
          type: f.mime,
          description: f.description,
          creationDate: job.at,
          modifiedDate: job.at,
          relationship: "Data",
        });
    return end.call(this);
  };
}

/** `PDFDocument`: pdfkit's class as the renderer imported it (its ESM build is a module instance of its own). */
export function withEmbeddedFiles<T>(
  PDFDocument: { prototype: object },
  files: readonly EmbeddedFile[],
  at: Date,
  render: () => Promise<T>,
): Promise<T> {
  patchOnce(PDFDocument);
  return pending.run({ files, at }, render);
}

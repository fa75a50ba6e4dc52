/**
 * "Page x of y" in the running footer. react-pdf can print it itself (a Text with a `render` prop), but then it lays
 * out every page with such a node twice more — once to paginate, once when the total is known — which was ~3 s of the
 * 1,000-vault package's render. Instead the footer holds a slot (a Canvas: laid out once, painted in place); painting
 * it records where it is on which page, and the number is stamped there once all pages exist (render-job.ts keeps
 * the pages open until then). Outside a render job the slot stays empty.
 */
import type { ReactNode } from "react";
import type { PdfDoc } from "./embed-files";
import { sansFile } from "./fonts";
import { selectFont } from "./pdfkit-font";
import { currentRenderJob, type PageNumberSlot } from "./render-store";

const Canvas = "CANVAS" as unknown as (p: {
  style: Record<string, unknown>;
  paint: (painter: unknown, width: number, height: number) => null;
}) => ReactNode;

/** The slot: right-aligned text of `size` points in `colour`, as wide as its container gives it (at least 80 pt). */
export function PageNumber({ size, colour }: { size: number; colour: string }) {
  return (
    <Canvas
      style={{ minWidth: 80, height: size * 1.3 }}
      paint={(_painter, width) => {
        const job = currentRenderJob();
        // react-pdf has translated to the slot's top-left corner; pdfkit's matrix maps it to PDF space (origin at the
        // bottom left, y up), and its text() takes top-down page coordinates
        if (job?.doc) {
          const [, , , , x, f] = job.doc._ctm;
          job.slots.push({ page: job.page, x, y: job.doc.page.height - f, width, size, colour });
        }
        return null;
      }}
    />
  );
}

export const pageLabel = (n: number, total: number) => `Page ${n} of ${total}`;

/** Numbers the pages that carry a slot, counting every page of the document (the cover is page 1). */
export function stampPageNumbers(doc: PdfDoc, slots: readonly PageNumberSlot[], total: number): void {
  for (const slot of slots) {
    doc.switchToPage(slot.page);
    const label = pageLabel(slot.page + 1, total);
    doc.save();
    selectFont(doc, sansFile(400));
    doc.fontSize(slot.size).fillColor(slot.colour);
    doc.text(label, slot.x + slot.width - doc.widthOfString(label), slot.y, { lineBreak: false });
    doc.restore();
  }
}

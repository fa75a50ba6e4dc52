/**
 * The job of the render in progress (render-job.ts), kept in AsyncLocalStorage: react-pdf's render is one async chain
 * from layout to the document's end, and renders may run concurrently.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { EmbeddedFile, PdfDoc } from "./embed-files";

/** Where a page's number goes (page-numbers.tsx), in the page's own coordinates. */
export interface PageNumberSlot {
  page: number;
  x: number;
  y: number;
  width: number;
  size: number;
  colour: string;
}

export interface RenderJob {
  files: readonly EmbeddedFile[];
  at: Date;
  /** The document being rendered and the index of its current page, set as pages are added. */
  doc?: PdfDoc;
  page: number;
  slots: PageNumberSlot[];
}

export const renderStore = new AsyncLocalStorage<RenderJob>();

/** The job of the render this call is part of, if it runs inside `withRenderJob`. */
export const currentRenderJob = (): RenderJob | undefined => renderStore.getStore();

import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createElement, type ReactElement } from "react";
import type { Attachment } from "./attachments";
import type { EvidenceData } from "./evidence-data";
import { withRenderJob } from "./pdf/render-job";
import { EvidenceDocument } from "./pdf/evidence-document";
import { registerFonts } from "./pdf/fonts";

export interface RenderedPdf {
  pdf: Buffer;
  sha256: string;
}

type Renderer = typeof import("@react-pdf/renderer");
type PdfKit = { default: { prototype: object } };

/**
 * The renderer is ESM-only (pdf/primitives.ts): a plain dynamic import() in the web server and vitest; from tsx's
 * CommonJS side (scripts, the scheduler) the bare specifier cannot be resolved there, so it is imported by file URL.
 */
async function loadRenderer(): Promise<{ renderer: Renderer; pdfkit: PdfKit }> {
  try {
    return { renderer: await import("@react-pdf/renderer"), pdfkit: (await import("pdfkit")) as PdfKit };
  } catch {
    const req = createRequire(path.join(process.cwd(), "package.json"));
    const byUrl = (file: string) => import(/* webpackIgnore: true */ pathToFileURL(file).href);
    const renderer = (await byUrl(req.resolve("@react-pdf/renderer"))) as Renderer;
    // the same pdfkit module instance the renderer imported (its ESM build), found beside the renderer
    const pdfkit = (await byUrl(path.join(path.dirname(req.resolve("pdfkit")), "pdfkit.node.mjs"))) as PdfKit;
    return { renderer, pdfkit };
  }
}

async function render(doc: ReactElement, files: readonly Attachment[], at: Date): Promise<RenderedPdf> {
  const { renderer, pdfkit } = await loadRenderer();
  registerFonts(renderer.Font);
  const pdf = await withRenderJob(pdfkit.default, files, at, () =>
    renderer.renderToBuffer(doc as Parameters<typeof renderer.renderToBuffer>[0]),
  );
  return { pdf, sha256: createHash("sha256").update(pdf).digest("hex") };
}

export function renderEvidencePdf(data: EvidenceData, attachments: readonly Attachment[]): Promise<RenderedPdf> {
  return render(createElement(EvidenceDocument, { data }), attachments, new Date(data.meta.generatedAt));
}

export { render as renderPdfDocument };

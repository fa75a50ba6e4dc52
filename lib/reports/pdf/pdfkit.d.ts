// pdfkit ships no types; only its class's prototype is touched (render-job.ts).
declare module "pdfkit" {
  const PDFDocument: { prototype: object };
  export default PDFDocument;
}

/**
 * Streamed downloads from an async generator of text chunks (CSV, JSONL). The first chunk (the header) is pulled before
 * the response starts, so permission and input errors surface as a JSON error response, not a broken download.
 */
export async function streamDownload(
  it: AsyncGenerator<string>,
  file: { name: string; ext: "csv" | "jsonl"; contentType: string; bom?: boolean },
): Promise<Response> {
  const first = await it.next();
  const enc = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(enc.encode(`${file.bom ? "\uFEFF" : ""}${first.done ? "" : first.value}`));
    },
    async pull(controller) {
      try {
        const { value, done } = await it.next();
        if (done) controller.close();
        else controller.enqueue(enc.encode(value));
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      await it.return(undefined);
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": file.contentType,
      "content-disposition": `attachment; filename="${stampedName(file.name, file.ext)}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

export function stampedName(name: string, ext: string, at = new Date()): string {
  const stamp = at.toISOString().slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
  return `certifyclouds-${name}-${stamp}Z.${ext}`;
}

/** CSV with a UTF-8 BOM so Excel reads non-ASCII names correctly. */
export function csvDownload(it: AsyncGenerator<string>, name: string): Promise<Response> {
  return streamDownload(it, { name, ext: "csv", contentType: "text/csv; charset=utf-8", bom: true });
}

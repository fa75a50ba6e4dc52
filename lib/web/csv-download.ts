/**
 * A streamed CSV download from an async generator of CSV chunks. The first chunk (the header) is pulled before the
 * response starts, so permission and input errors surface as a JSON error response, not a broken download.
 */
export async function csvDownload(it: AsyncGenerator<string>, name: string): Promise<Response> {
  const first = await it.next();
  const enc = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      // UTF-8 BOM so Excel reads non-ASCII names correctly.
      controller.enqueue(enc.encode(`\uFEFF${first.done ? "" : first.value}`));
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
  const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
  return new Response(stream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="certifyclouds-${name}-${stamp}Z.csv"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

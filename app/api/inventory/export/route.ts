import { exportAssetsCsv, exportAssetsInput } from "@/lib/inventory/export-assets";
import { route, routeMethods } from "@/lib/web/route";

export const dynamic = "force-dynamic";

/**
 * The inventory's filtered view as CSV (same query parameters as /inventory), streamed batch by batch
 * (keyset pagination) so 100k rows never sit in memory. Cells are formula-neutralised for spreadsheets.
 */
const getHandler = route(
  { name: "GET /api/inventory/export", access: "dashboard:read", input: exportAssetsInput },
  async ({ ctx, input }) => {
    const it = exportAssetsCsv({ ctx, input: input });
    // Pull the header now: permission and input errors surface as a JSON error response, not a broken download.
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
        "content-disposition": `attachment; filename="certifyclouds-inventory-${stamp}Z.csv"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  },
);

export const { GET, POST, PUT, PATCH, DELETE } = routeMethods({ GET: getHandler });

/**
 * When a connection reset is a refusal rather than a crash. Two cases close the connection on a request body nobody
 * read, and past the socket buffers (or when the client is still writing) the client sees a reset, not the answer:
 * - Next.js answers a request it refuses before reading its body (a page's DELETE, a proxy refusal);
 * - Node's own HTTP parser answers 400 to a method it does not know (TRACK, BREW) at the request line, before any code
 *   of ours runs, and closes while the body is still arriving — on a busy machine even a 40 KB body loses that race.
 * - a known method the path does not take (DELETE on a GET-only route handler) with a smaller body: Next.js answers 405
 *   without reading it and closes, and on a busy machine the client sees the reset first (CI, 2026-12-03). Such a reset
 *   counts when the same method and path, sent again without a body, are answered 405 (`replayShowsRefusal`).
 * The fuzz run's end-of-run check still requires that nothing was logged as an error.
 */
import http from "node:http";

const RESET = /ECONNRESET|EPIPE|socket hang up/;
const BIG_BODY = 64 * 1024;

export function resetIsRefusal(r: { method: string; body?: string }, err: unknown): boolean {
  if (!RESET.test(err instanceof Error ? err.message : "")) return false;
  const bodyLength = r.body?.length ?? 0;
  if (bodyLength > BIG_BODY) return true;
  return bodyLength > 0 && !http.METHODS.includes(r.method);
}

/** A reset that may be a refused method: worth sending again without its body (only that tells). */
export function mayBeRefusedMethod(r: { method: string; body?: string }, err: unknown): boolean {
  return RESET.test(err instanceof Error ? err.message : "") && (r.body?.length ?? 0) > 0;
}

/** The replay without a body was refused for its method alone: the reset was that refusal, not a crash. */
export function replayShowsRefusal(status: number): boolean {
  return status === 405;
}

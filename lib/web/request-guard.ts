import type { Refusal } from "./errors";
import { checkServerActionRequest } from "./server-action-guard";

export type { Refusal } from "./errors";

/** Every method a page or route handler answers; Next.js throws (500) on TRACE and answers the rest inconsistently. */
export const SUPPORTED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/**
 * Requests that Next.js would turn into a 500 with nothing in our log: an unknown method, a path that is not valid
 * percent-encoding (Next decodes dynamic segments and throws), and malformed server-action requests.
 */
/** Longer path + query than any console page or API takes (filters and lists stay far below it). */
export const MAX_URL_CHARS = 8192;

export async function refuseHostileRequest(request: Request, appUrl: string): Promise<Refusal | undefined> {
  if (!SUPPORTED_METHODS.includes(request.method)) {
    return {
      status: 405,
      code: "method_not_allowed",
      message: `${request.method.slice(0, 16)} is not supported.`,
      reason: "method_not_allowed",
      headers: { allow: SUPPORTED_METHODS.join(", ") },
    };
  }
  const url = new URL(request.url);
  // an address this long is no page's or API's; answered here, it is never echoed into a redirect's Location header
  // (which then outgrows what HTTP clients accept: 16 KiB of headers in Node)
  if (url.pathname.length + url.search.length > MAX_URL_CHARS) {
    return {
      status: 414,
      code: "invalid_input",
      message: "The address is too long.",
      reason: "uri_too_long",
    };
  }
  if (!isDecodablePath(url.pathname)) {
    return {
      status: 400,
      code: "invalid_input",
      message: "The address is not valid.",
      reason: "malformed_percent_encoding",
    };
  }
  return checkServerActionRequest(request, appUrl);
}

export function isDecodablePath(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

import type { Refusal } from "./errors";

/** Next's default serverActions.bodySizeLimit (next.config.ts sets none); Next answers 500 past it. */
export const SERVER_ACTION_BODY_LIMIT = 1024 * 1024;

/** RFC 2046 boundary: 1–70 characters from this set, not ending in a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/**
 * What Next.js treats as a server action (a POST to a page with a Next-Action header, or any multipart POST to a page,
 * which may be a no-JavaScript form) is checked the way Next would fail on it, so it fails here with a 4xx instead of
 * a 500: cross-site Origin, body over the limit, fetch-action body that is not JSON, multipart body that does not parse.
 * Route handlers (/api/…) never go through action handling and are left alone.
 */
export async function checkServerActionRequest(request: Request, appUrl: string): Promise<Refusal | undefined> {
  if (request.method !== "POST") return undefined;
  const { pathname } = new URL(request.url);
  if (pathname === "/api" || pathname.startsWith("/api/")) return undefined;
  const contentType = request.headers.get("content-type") ?? "";
  // Next's own test, case and all: anything else is read as a JSON reply.
  const multipart = contentType.startsWith("multipart/form-data");
  if (!multipart && !request.headers.has("next-action")) return undefined;

  const origin = request.headers.get("origin");
  if (origin !== null && origin !== new URL(appUrl).origin) {
    return {
      status: 403,
      code: "forbidden",
      message: "This request did not come from this site.",
      reason: "cross_site_server_action",
    };
  }
  const tooLarge: Refusal = {
    status: 413,
    code: "payload_too_large",
    message: "The request is too large.",
    reason: "server_action_body_too_large",
  };
  if (Number(request.headers.get("content-length") ?? 0) > SERVER_ACTION_BODY_LIMIT) return tooLarge;
  const body = await readAtMost(request, SERVER_ACTION_BODY_LIMIT);
  if (!body) return tooLarge;
  const fetchAction = request.headers.has("next-action");
  const valid = multipart
    ? await isWellFormedMultipart(contentType, body, fetchAction)
    : isArgumentList(decodeUtf8(body));
  if (valid) return undefined;
  return {
    status: 400,
    code: "invalid_input",
    message: "The request body is not valid.",
    reason: multipart ? "server_action_bad_multipart" : "server_action_bad_body",
  };
}

/**
 * The body, or undefined once it passes `limit` bytes. Next.js gives the proxy a copy of the body stream and hands
 * the original on, so reading it here takes nothing from the action.
 */
async function readAtMost(request: Request, limit: number): Promise<Uint8Array | undefined> {
  const stream = request.body;
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

const decodeUtf8 = (body: Uint8Array) => new TextDecoder().decode(body);

/**
 * React's reply encoding of an action's arguments, in the form without outlined parts (the only form a JSON body has):
 * a JSON array whose "$"-strings are only the inline ones — an escaped "$", special numbers, dates, big integers (React
 * refuses more than 300 digits), temporary references, and paths into the root itself ("$0:…", repeated objects).
 * Any other "$"-string points at a part that a plain body cannot have, and React throws on it. What this does not
 * catch still fails inside Next.js, and is logged with its request id (request-error.ts).
 */
const INLINE_REFERENCE = /^\$(\$|undefined$|NaN$|Infinity$|-Infinity$|-0$|D|n-?\d{1,300}$|T$|0(:|$))/;

function isArgumentList(text: string): boolean {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return false;
  }
  return Array.isArray(root) && onlyInlineReferences(root);
}

function onlyInlineReferences(value: unknown): boolean {
  if (typeof value === "string") return !value.startsWith("$") || INLINE_REFERENCE.test(value);
  if (Array.isArray(value)) return value.every(onlyInlineReferences);
  if (value && typeof value === "object") return Object.values(value).every(onlyInlineReferences);
  return true;
}

function boundaryOf(contentType: string): string | undefined {
  const m = /;\s*boundary=(?:"([^"]*)"|([^;\s]*))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  return boundary && BOUNDARY.test(boundary) ? boundary : undefined;
}

/**
 * A valid boundary, a body that opens and closes with it (busboy fails on a missing close), and a body the platform's
 * own multipart parser accepts. A fetch action's form carries its argument list as JSON in field "0".
 */
async function isWellFormedMultipart(contentType: string, body: Uint8Array, fetchAction: boolean): Promise<boolean> {
  const boundary = boundaryOf(contentType);
  if (!boundary) return false;
  const text = Buffer.from(body).toString("latin1");
  if (!text.startsWith(`--${boundary}\r\n`) || !text.includes(`\r\n--${boundary}--`)) return false;
  if (!partHeadersAreValid(text, boundary)) return false;
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { "content-type": contentType } }).formData();
  } catch {
    return false;
  }
  if (!fetchAction) return true;
  const root = form.get("0");
  if (typeof root !== "string") return false;
  try {
    const args: unknown = JSON.parse(root);
    return Array.isArray(args) && partsResolve(args, form, new Set(["0"]));
  } catch {
    return false;
  }
}

/** "$" + an optional type letter + a hexadecimal part id (+ a path into that part): a reference to an outlined part. */
const OUTLINED_REFERENCE = /^\$([A-Za-z@]?)([0-9a-fA-F]+)(:|$)/;

/**
 * React decodes a multipart argument list by following each reference to the form field named by the part id; one that
 * names no field never resolves, and Next fails the request with a 500. Every reference here must name a field the
 * form carries (a FormData reference, "$K…", names a prefix and may have none), and a referenced JSON part is checked
 * the same way.
 */
function partsResolve(value: unknown, form: FormData, seen: Set<string>): boolean {
  if (typeof value === "string") {
    if (!value.startsWith("$") || INLINE_REFERENCE.test(value)) return true;
    const m = OUTLINED_REFERENCE.exec(value);
    if (!m) return false;
    if (m[1] === "K") return true;
    const field = String(parseInt(m[2], 16));
    const part = form.get(field);
    if (part === null) return false;
    if (typeof part !== "string" || seen.has(field)) return true;
    seen.add(field);
    try {
      return partsResolve(JSON.parse(part), form, seen);
    } catch {
      // binary and string parts of typed arrays are not JSON
      return true;
    }
  }
  if (Array.isArray(value)) return value.every((v) => partsResolve(v, form, seen));
  if (value && typeof value === "object") return Object.values(value).every((v) => partsResolve(v, form, seen));
  return true;
}

/** An HTTP header line: a token, a colon, then visible characters, spaces, tabs and obs-text only. */
const PART_HEADER = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+:[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Next's multipart parser (busboy) fails the whole request on a part header with a control character in it (a NUL in
 * a field name, say), where the platform's parser lets it through: check each part's header lines the way busboy does.
 */
function partHeadersAreValid(latin1: string, boundary: string): boolean {
  const end = latin1.indexOf(`\r\n--${boundary}--`);
  const parts = latin1.slice(`--${boundary}\r\n`.length, end).split(`\r\n--${boundary}\r\n`);
  return parts.every((part) => {
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd < 0) return false;
    return part
      .slice(0, headerEnd)
      .split("\r\n")
      .every((line) => PART_HEADER.test(line));
  });
}

/**
 * Reading cloud errors from any SDK (core RestError, ms-rest-js RestError, GraphError, our HttpError) and classifying
 * them. Messages kept here are service error messages (no values are ever requested, so none can be echoed back); they
 * are still truncated and stripped of anything that looks like a token.
 */
export type CloudErrorKind =
  | "firewall"
  | "permission"
  | "not_found"
  | "throttled"
  | "network"
  | "unknown"
  /** not the cloud's doing: a database or programming error (the message is generic; the cause goes to the log) */
  | "internal";

/** Error for raw ARM/Graph calls we make through a bare pipeline. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string | undefined,
    message: string,
    readonly headers: Record<string, string>,
    readonly innerCode?: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/**
 * A non-2xx answer of Azure's REST APIs (ARM, Key Vault) as an HttpError: the `{ error: { code, message, innererror } }`
 * body both services send, or only the status when the body is not JSON (a proxy's or a load balancer's page).
 */
export function httpErrorFromBody(
  service: string,
  status: number,
  body: string,
  headers: Record<string, string>,
): HttpError {
  let code: string | undefined;
  let inner: string | undefined;
  let message = `${service} request failed with status ${status}`;
  try {
    const b = JSON.parse(body) as { error?: { code?: string; message?: string; innererror?: { code?: string } } };
    code = b.error?.code;
    if (b.error?.message) message = b.error.message;
    inner = b.error?.innererror?.code;
  } catch {
    /* not JSON */
  }
  return new HttpError(status, code, message, headers, inner);
}

type AnyErr = {
  name?: string;
  code?: string | number;
  statusCode?: number;
  status?: number;
  message?: string;
  details?: unknown;
  body?: unknown;
  headers?: unknown;
  response?: { status?: number; headers?: unknown; bodyAsText?: string | null; parsedBody?: unknown };
  cause?: unknown;
};

function getHeaderFrom(h: unknown, name: string): string | undefined {
  if (!h) return undefined;
  const o = h as { get?: (n: string) => unknown } & Record<string, unknown>;
  if (typeof o.get === "function") {
    const v = o.get(name);
    if (v !== undefined && v !== null) return String(v);
  }
  for (const [k, v] of Object.entries(o))
    if (k.toLowerCase() === name && v !== undefined && v !== null) return String(v);
  return undefined;
}

export function errorHeader(err: unknown, name: string): string | undefined {
  const e = err as AnyErr;
  if (!e || typeof e !== "object") return undefined;
  return getHeaderFrom(e.headers, name) ?? getHeaderFrom(e.response?.headers, name);
}

export function errorStatus(err: unknown): number | undefined {
  const e = err as AnyErr;
  if (!e || typeof e !== "object") return undefined;
  const s = e.statusCode ?? e.response?.status ?? (typeof e.status === "number" ? e.status : undefined);
  return typeof s === "number" && s > 0 ? s : undefined;
}

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "ECONNABORTED",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  // undici (the vault reader's transport): a body cut short, and its own header/body timers
  "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "REQUEST_SEND_ERROR",
  "REQUEST_TIMEOUT",
]);

export function isAbortError(err: unknown): boolean {
  const e = err as AnyErr;
  return (
    !!e &&
    typeof e === "object" &&
    (e.name === "AbortError" || e.code === "ABORT_ERR" || /aborted/i.test(e.message ?? ""))
  );
}

export function isNetworkError(err: unknown): boolean {
  const e = err as AnyErr;
  if (!e || typeof e !== "object") return false;
  if (errorStatus(err) !== undefined) return false;
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return true;
  if (
    /socket hang up|ECONNRESET|ECONNREFUSED|ETIMEDOUT|network|fetch failed|other side closed|terminated/i.test(
      e.message ?? "",
    )
  )
    return true;
  return e.cause ? isNetworkError(e.cause) : false;
}

let bodyLookup: ((request: unknown) => string | undefined) | undefined;
/** clients.ts registers where captured error bodies can be found (kept apart to avoid an import cycle). */
export function registerErrorBodyLookup(fn: (request: unknown) => string | undefined): void {
  bodyLookup = fn;
}

function parseBody(e: AnyErr): { code?: string; message?: string; inner?: string } {
  const candidates: unknown[] = [e.details, e.body, e.response?.parsedBody];
  const captured = bodyLookup?.(
    (e as { request?: unknown }).request ?? (e.response as { request?: unknown } | undefined)?.request,
  );
  if (captured) {
    try {
      candidates.unshift(JSON.parse(captured));
    } catch {
      /* ignore */
    }
  }
  if (e.response?.bodyAsText) {
    try {
      candidates.push(JSON.parse(e.response.bodyAsText));
    } catch {
      /* not JSON */
    }
  }
  for (const c of candidates) {
    const err = (c as { error?: { code?: string; message?: string; innererror?: { code?: string } } } | undefined)
      ?.error;
    if (err && typeof err === "object") return { code: err.code, message: err.message, inner: err.innererror?.code };
  }
  return {};
}

/** Keep messages short and free of anything token-like. */
export function sanitizeMessage(msg: string): string {
  return msg
    .replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/g, "Bearer [redacted]")
    .replace(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*/g, "[jwt]")
    .slice(0, 600);
}

export interface ClassifiedError {
  kind: CloudErrorKind;
  status?: number;
  code?: string;
  innerCode?: string;
  message: string;
}

/** A database error (PostgreSQL/PGlite, or drizzle's wrapper) anywhere in the cause chain. */
function databaseError(err: unknown, depth = 0): { code?: string } | undefined {
  if (!err || typeof err !== "object" || depth > 5) return undefined;
  const e = err as Record<string, unknown>;
  if (typeof e.severity === "string" && typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code))
    return { code: e.code };
  if (typeof e.query === "string" && Array.isArray(e.params)) return databaseError(e.cause, depth + 1) ?? {};
  return databaseError(e.cause, depth + 1);
}

// SyntaxError is left out: an unparsable response body is the cloud's fault, not ours
const PROGRAMMING_ERRORS = ["TypeError", "ReferenceError", "RangeError"];

/**
 * Errors that did not come from a cloud response: their own message may quote SQL text and parameter values, so the
 * classified message says only what failed; the caller logs the cause chain (errorForLog).
 */
function internalError(err: unknown): ClassifiedError | undefined {
  if (errorStatus(err) !== undefined) return undefined;
  const db = databaseError(err);
  if (db)
    return {
      kind: "internal",
      code: db.code,
      message: `internal error: a database operation failed${db.code ? ` (SQLSTATE ${db.code})` : ""}; the cause is in the server log`,
    };
  const name = (err as AnyErr | undefined)?.name;
  if (err instanceof Error && name && PROGRAMMING_ERRORS.includes(name) && !isNetworkError(err))
    return { kind: "internal", code: name, message: `internal error (${name}); the cause is in the server log` };
  return undefined;
}

export function classifyError(err: unknown): ClassifiedError {
  const internal = internalError(err);
  if (internal) return internal;
  const e = (err ?? {}) as AnyErr;
  const status = errorStatus(err);
  const body = parseBody(e);
  const innerCode = (err instanceof HttpError ? err.innerCode : undefined) ?? body.inner;
  const code = body.code ?? (typeof e.code === "string" ? e.code : undefined);
  const rawMsg =
    body.message && !(e.message ?? "").includes(body.message)
      ? `${e.message ?? ""} — ${body.message}`
      : (e.message ?? String(err));
  const message = sanitizeMessage(rawMsg || "unknown error");
  const text = `${innerCode ?? ""} ${code ?? ""} ${rawMsg}`;
  let kind: CloudErrorKind = "unknown";
  if (e.name === "TimeoutError" || isNetworkError(err)) kind = "network";
  else if (status === 429) kind = "throttled";
  else if (status === 404) kind = "not_found";
  else if (
    status === 403 &&
    /ForbiddenByFirewall|ForbiddenByConnection|Client address is not authorized|Public network access is disabled/i.test(
      text,
    )
  )
    kind = "firewall";
  else if (status === 401 || status === 403) kind = "permission";
  return {
    kind,
    status,
    code,
    innerCode:
      innerCode ??
      (/ForbiddenByConnection|Public network access is disabled/.test(text)
        ? "ForbiddenByConnection"
        : /ForbiddenByFirewall|Client address is not authorized/.test(text)
          ? "ForbiddenByFirewall"
          : undefined),
    message,
  };
}

import { ZodError } from "zod";
import { AppError, HTTP_STATUS, type ErrorCode } from "../errors";
import { errorForLog, logger } from "../log";

const log = logger("web");

/** Service codes plus the ones only the HTTP transport produces (refused before any verb runs). */
export type PublicErrorCode = ErrorCode | "method_not_allowed" | "payload_too_large" | "unsupported_media_type";

export interface PublicError {
  code: PublicErrorCode;
  message: string;
  requestId: string;
  issues?: { path: string; message: string }[];
}

/** A request refused by the transport itself (wrong media type, unreadable body) before any service verb ran. */
export class TransportError extends Error {
  constructor(
    readonly status: number,
    readonly code: PublicErrorCode,
    readonly publicMessage: string,
  ) {
    super(publicMessage);
    this.name = "TransportError";
  }
}

/** The one mapping from thrown errors to what a client may see; anything unexpected becomes a generic 500. */
export function toPublicError(err: unknown, requestId: string): { status: number; body: PublicError } {
  if (err instanceof TransportError)
    return { status: err.status, body: { code: err.code, message: err.publicMessage, requestId } };
  if (err instanceof AppError)
    return { status: HTTP_STATUS[err.code], body: { code: err.code, message: err.publicMessage, requestId } };
  if (err instanceof ZodError) {
    return {
      status: 400,
      body: {
        code: "invalid_input",
        message: "Some fields are not valid.",
        requestId,
        issues: err.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
      },
    };
  }
  // Not `err`: pino's error serialiser would rebuild the message from the cause chain, values included.
  log.error({ requestId, error: errorForLog(err) }, "unhandled error");
  return {
    status: 500,
    body: {
      code: "internal",
      message: `Something went wrong. Quote request id ${requestId} to your administrator.`,
      requestId,
    },
  };
}

/** The public error shape as an HTTP response; never cached. */
export function publicErrorResponse(status: number, body: PublicError, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store", ...headers } });
}

/** A request refused before Next.js sees it; `reason` is for the log, `message` for the client. */
export interface Refusal {
  status: number;
  code: PublicErrorCode;
  message: string;
  reason: string;
  headers?: Record<string, string>;
}

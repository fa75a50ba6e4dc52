/** Typed errors carry a stable `code`; each transport maps them once and never shows internal messages. */
export type ErrorCode =
  "unauthenticated" | "forbidden" | "invalid_input" | "not_found" | "conflict" | "rate_limited" | "internal";

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    /** Safe to show to the user. */
    readonly publicMessage: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(publicMessage);
    this.name = "AppError";
  }
}

export const HTTP_STATUS: Record<ErrorCode, number> = {
  unauthenticated: 401,
  forbidden: 403,
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  internal: 500,
};

import pino from "pino";
import { getConfig } from "./config";

/**
 * Fields that must never reach a log line. pino replaces them wherever they appear at these depths;
 * secret values are additionally never passed to the logger in the first place.
 */
export const REDACTED_PATHS = [
  "authorization",
  "cookie",
  "cookies",
  "token",
  "accessToken",
  "refreshToken",
  "idToken",
  "access_token",
  "id_token",
  "value",
  "secret",
  "secretText",
  "password",
  "clientSecret",
  "client_secret",
  "privateKey",
].flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers.${k}`, `req.headers.${k}`]);

let root: pino.Logger | undefined;
/** Bumped when tests replace the root logger, so module loggers re-bind to the new one. */
let generation = 0;
let destination: pino.DestinationStream | undefined;

function rootLogger(): pino.Logger {
  const options: pino.LoggerOptions = {
    level: getConfig().logLevel,
    base: { app: "certifyclouds" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  root ??= destination ? pino(options, destination) : pino(options);
  return root;
}

/** Tests read what would have been logged (and pick up a changed LOG_LEVEL); production never calls this. */
export function resetLoggerForTests(dest?: pino.DestinationStream): void {
  root = undefined;
  destination = dest;
  generation++;
}

export type Log = Pick<pino.Logger, "fatal" | "error" | "warn" | "info" | "debug" | "trace">;

/** A module's logger. Created on first use, so importing a module never reads configuration (next build imports them). */
export function logger(module: string): Log {
  let child: pino.Logger | undefined;
  let boundTo = -1;
  const get = () => {
    if (!child || boundTo !== generation) {
      child = rootLogger().child({ module });
      boundTo = generation;
    }
    return child;
  };
  return {
    fatal: (...a: Parameters<pino.LogFn>) => get().fatal(...a),
    error: (...a: Parameters<pino.LogFn>) => get().error(...a),
    warn: (...a: Parameters<pino.LogFn>) => get().warn(...a),
    info: (...a: Parameters<pino.LogFn>) => get().info(...a),
    debug: (...a: Parameters<pino.LogFn>) => get().debug(...a),
    trace: (...a: Parameters<pino.LogFn>) => get().trace(...a),
  } as Log;
}

const MAX_CAUSE_DEPTH = 5;
/** SQLSTATE class 22 (data exception) messages quote the offending input, which may be a parameter value. */
const QUOTES_INPUT = /^22/;
/** What identifies the failing object; `detail` is left out because it quotes row values ("Key (k)=(…)"). */
const PG_FIELDS = ["code", "severity", "schema", "table", "column", "constraint", "routine"] as const;

export interface LoggedError {
  name: string;
  message: string;
  stack?: string;
  cause?: LoggedError | string;
  [field: string]: unknown;
}

/**
 * An error as it may appear in a log line: its cause chain (messages and PostgreSQL codes), so a request id leads to
 * the root cause, and never the values a query was given. drizzle's "Failed query" message appends the parameters, so
 * only its SQL text is kept; the stack keeps its frames only, because its first line repeats the message.
 */
export function errorForLog(err: unknown, depth = 0): LoggedError | string {
  if (!(err instanceof Error)) return String(err).slice(0, 500);
  const fields = err as unknown as Record<string, unknown>;
  const isFailedQuery = typeof fields.query === "string" && err.message.startsWith("Failed query: ");
  const code = typeof fields.code === "string" ? fields.code : undefined;
  let message = isFailedQuery ? `Failed query: ${fields.query as string}` : err.message;
  if (code && QUOTES_INPUT.test(code)) message = message.replace(/"[^"]*"/g, '"[redacted]"');
  const out: LoggedError = { name: err.name, message };
  for (const f of PG_FIELDS) if (typeof fields[f] === "string") out[f] = fields[f];
  if (depth === 0 && err.stack) {
    out.stack = err.stack
      .split("\n")
      .filter((l) => /^\s+at /.test(l))
      .join("\n");
  }
  if (err.cause !== undefined && depth < MAX_CAUSE_DEPTH) out.cause = errorForLog(err.cause, depth + 1);
  return out;
}

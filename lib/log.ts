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

function rootLogger(): pino.Logger {
  root ??= pino({
    level: getConfig().logLevel,
    base: { app: "certifyclouds" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
  return root;
}

export type Log = Pick<pino.Logger, "fatal" | "error" | "warn" | "info" | "debug" | "trace">;

/** A module's logger. Created on first use, so importing a module never reads configuration (next build imports them). */
export function logger(module: string): Log {
  let child: pino.Logger | undefined;
  const get = () => (child ??= rootLogger().child({ module }));
  return {
    fatal: (...a: Parameters<pino.LogFn>) => get().fatal(...a),
    error: (...a: Parameters<pino.LogFn>) => get().error(...a),
    warn: (...a: Parameters<pino.LogFn>) => get().warn(...a),
    info: (...a: Parameters<pino.LogFn>) => get().info(...a),
    debug: (...a: Parameters<pino.LogFn>) => get().debug(...a),
    trace: (...a: Parameters<pino.LogFn>) => get().trace(...a),
  } as Log;
}

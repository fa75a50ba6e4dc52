import pino from "pino";
import { getConfig } from "./config";

/**
 * Fields that must never reach a log line. pino replaces them wherever they appear at these depths;
 * secret values are additionally never passed to the logger in the first place.
 */
export const REDACTED_PATHS = [
  "authorization", "cookie", "cookies", "token", "accessToken", "refreshToken", "idToken", "access_token", "id_token",
  "value", "secret", "secretText", "password", "clientSecret", "client_secret", "privateKey",
].flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers.${k}`, `req.headers.${k}`]);

let root: pino.Logger | undefined;

export function logger(module: string): pino.Logger {
  root ??= pino({
    level: getConfig().logLevel,
    base: { app: "certifyclouds" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
  return root.child({ module });
}

/**
 * The secret key's forms: decoding SECRET_KEY, and the key file a development or embedded install generates once.
 * Reads files only when asked; lib/config.ts decides which source applies (it alone reads the environment).
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ConfigError } from "./config-error";

/** At least 32 bytes of key material, given as base64, hex, or a long random string. */
export function decodeSecretKey(value: string): Buffer {
  if (/^[0-9a-fA-F]+$/.test(value) && value.length >= 64) return Buffer.from(value, "hex");
  if (/^[A-Za-z0-9+/=_-]+$/.test(value)) {
    const b = Buffer.from(value, "base64");
    if (b.length >= 32) return b;
  }
  const raw = Buffer.from(value, "utf8");
  if (raw.length >= 43) return createHash("sha256").update(raw).digest();
  throw new ConfigError("SECRET_KEY must hold at least 32 random bytes (e.g. `openssl rand -base64 32`)");
}

/** Where a development install keeps the key it generated (relative to the working directory, like .data/pglite). */
export function devSecretKeyPath(dataDir = ".data"): string {
  return path.resolve(dataDir, "dev-secret-key");
}

/** A key kept in a file (base64, as the dev key and `npm run demo` write it), or undefined when there is none. */
export function readSecretKeyFile(file: string): Buffer | undefined {
  if (!existsSync(file)) return undefined;
  return decodeSecretKey(readFileSync(file, "utf8").trim());
}

/** Dev/demo only: a key generated once and kept under .data/ so sessions and audit MACs survive restarts. */
export function devSecretKey(dataDir: string): Buffer {
  const file = devSecretKeyPath(dataDir);
  const existing = readSecretKeyFile(file);
  if (existing) return existing;
  mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString("base64"), { mode: 0o600 });
  return key;
}

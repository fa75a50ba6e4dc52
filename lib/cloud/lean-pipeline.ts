/**
 * What the Key Vault SDK clients (rotation and certificate renewal; the scanner reads through vault-reader.ts) need
 * per request, and no more. The SDKs' default pipeline runs a dozen policies on each request: the ones below do
 * nothing here (no multipart bodies, no redirects from Key Vault, retries are lib/cloud/retry.ts's, no tracer or Azure
 * SDK logger is configured) but each still costs allocations and promise hops. Also the one TLS context of the
 * scanner's per-vault agents.
 */
import tls from "node:tls";
import type { Pipeline } from "@azure/core-rest-pipeline";

/**
 * Removed from every Key Vault client. Kept: proxy (HTTPS_PROXY), decompression, abort-signal wrapping, user agent,
 * client request id (support correlation), API version, Key Vault challenge authentication, content type, and this
 * product's own policies.
 */
const UNUSED_POLICIES = [
  "tracingPolicy",
  "logPolicy",
  "redirectPolicy",
  "defaultRetryPolicy",
  "formDataPolicy",
  "multipartPolicy",
] as const;

/**
 * Takes the unused policies out of an SDK client's pipeline. The Key Vault SDKs keep their generated client in a
 * private `client` field and edit its pipeline the same way themselves; if a future SDK moves it, this does nothing.
 */
export function leanPipeline<T extends object>(sdkClient: T): T {
  const pipeline = (sdkClient as { client?: { pipeline?: Pipeline } }).client?.pipeline;
  if (pipeline && typeof pipeline.removePolicy === "function")
    for (const name of UNUSED_POLICIES) pipeline.removePolicy({ name });
  return sdkClient;
}

let secureContext: tls.SecureContext | undefined;

/**
 * One TLS context (the default trust store plus NODE_EXTRA_CA_CERTS) for every vault connection. Without it each new
 * TLS socket builds its own context from the options.
 */
export function sharedSecureContext(): tls.SecureContext {
  secureContext ??= tls.createSecureContext();
  return secureContext;
}

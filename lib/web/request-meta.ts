import { randomUUID } from "node:crypto";
import { AsyncLocalStorage } from "node:async_hooks";
import { getConfig } from "../config";
import type { RequestMeta } from "../context";

/**
 * Client address, user agent and request id of the current request. With TRUST_PROXY=true the address is the
 * right-most X-Forwarded-For entry: the one appended by the ingress in front (Container Apps, App Gateway,
 * nginx). Without a trusted proxy the header is ignored, because Next.js keeps a client-sent X-Forwarded-For
 * as it is and a client could pick its own address; the address is then unknown.
 */
export function requestMetaFrom(headers: Headers): RequestMeta {
  const ip = getConfig().auth.trustProxy
    ? headers.get("x-forwarded-for")?.split(",").at(-1)?.trim() || undefined
    : undefined;
  const rid = headers.get("x-request-id");
  return {
    ip: ip ?? undefined,
    userAgent: headers.get("user-agent") ?? undefined,
    requestId: rid && /^[A-Za-z0-9-]{8,64}$/.test(rid) ? rid : randomUUID(),
  };
}

/** Carries request metadata into next-auth's adapter and event callbacks, which receive no request. */
export const requestContext = new AsyncLocalStorage<RequestMeta>();

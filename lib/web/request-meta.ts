import { randomUUID } from "node:crypto";
import { AsyncLocalStorage } from "node:async_hooks";
import type { RequestMeta } from "../context";

/**
 * Client address, user agent and request id of the current request. The address is the right-most
 * X-Forwarded-For entry: the one appended by the nearest proxy (the Container Apps ingress), or by the
 * Next.js server itself from the socket when no proxy is in front.
 */
export function requestMetaFrom(headers: Headers): RequestMeta {
  const ip = headers.get("x-forwarded-for")?.split(",").at(-1)?.trim() || undefined;
  const rid = headers.get("x-request-id");
  return {
    ip: ip ?? undefined,
    userAgent: headers.get("user-agent") ?? undefined,
    requestId: rid && /^[A-Za-z0-9-]{8,64}$/.test(rid) ? rid : randomUUID(),
  };
}

/** Carries request metadata into next-auth's adapter and event callbacks, which receive no request. */
export const requestContext = new AsyncLocalStorage<RequestMeta>();

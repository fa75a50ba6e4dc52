import { getConfig } from "../config";
import type { RequestMeta } from "../context";
import {
  INGRESS_REQUEST_ID_HEADER,
  isServerRequestId,
  newRequestId,
  REQUEST_ID_HEADER,
  validIngressRequestId,
} from "./request-id";

/**
 * Client address, user agent and request ids of the current request. With TRUST_PROXY=true the address is the
 * right-most X-Forwarded-For entry: the one appended by the ingress in front (Container Apps, App Gateway,
 * nginx). Without a trusted proxy the header is ignored, because Next.js keeps a client-sent X-Forwarded-For
 * as it is and a client could pick its own address; the address is then unknown.
 * The request id is the one the proxy minted (see request-id.ts); anything else gets a fresh one.
 */
export function requestMetaFrom(headers: Headers): RequestMeta {
  const trustProxy = getConfig().auth.trustProxy;
  const ip = trustProxy ? headers.get("x-forwarded-for")?.split(",").at(-1)?.trim() || undefined : undefined;
  const rid = headers.get(REQUEST_ID_HEADER);
  const ingressRequestId = trustProxy ? validIngressRequestId(headers.get(INGRESS_REQUEST_ID_HEADER)) : undefined;
  return {
    ip,
    userAgent: headers.get("user-agent") ?? undefined,
    requestId: isServerRequestId(rid) ? rid : newRequestId(),
    ...(ingressRequestId ? { ingressRequestId } : {}),
  };
}

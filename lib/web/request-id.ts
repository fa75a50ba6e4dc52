/**
 * Request ids are minted here and nowhere else. A client-sent X-Request-Id would let anyone write a chosen string
 * into audit rows, or make two requests share an id; so the proxy always replaces it. Behind a trusted ingress
 * (TRUST_PROXY) the ingress's own id is kept, in a header and audit field of its own, to correlate with its logs.
 */
export const REQUEST_ID_HEADER = "x-request-id";
export const INGRESS_REQUEST_ID_HEADER = "x-ingress-request-id";

const SERVER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INGRESS_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function newRequestId(): string {
  return crypto.randomUUID();
}

export function isServerRequestId(value: string | null | undefined): value is string {
  return typeof value === "string" && SERVER_ID.test(value);
}

export function validIngressRequestId(value: string | null | undefined): string | undefined {
  return typeof value === "string" && INGRESS_ID.test(value) ? value : undefined;
}

/**
 * The ids for one request: always a fresh server id; the ingress's id (the client-sent X-Request-Id) only when the
 * ingress is trusted and the value is well-formed.
 */
export function mintRequestIds(
  clientRequestId: string | null | undefined,
  trustProxy: boolean,
): { requestId: string; ingressRequestId: string | undefined } {
  return {
    requestId: newRequestId(),
    ingressRequestId: trustProxy ? validIngressRequestId(clientRequestId) : undefined,
  };
}

/**
 * Sets the ids on the headers handed on to pages and route handlers (a client-sent copy of our internal header is
 * dropped either way).
 */
export function assignRequestIds(incoming: Headers, forwarded: Headers, trustProxy: boolean): string {
  const { requestId, ingressRequestId } = mintRequestIds(incoming.get(REQUEST_ID_HEADER), trustProxy);
  forwarded.set(REQUEST_ID_HEADER, requestId);
  forwarded.delete(INGRESS_REQUEST_ID_HEADER);
  if (ingressRequestId) forwarded.set(INGRESS_REQUEST_ID_HEADER, ingressRequestId);
  return requestId;
}

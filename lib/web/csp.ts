/**
 * The Content-Security-Policy every response carries, with a per-request nonce: Next.js reads the nonce from the
 * request's own CSP header and puts it on its scripts. One definition for both places that set it (the request gate
 * and the proxy).
 */
export function newNonce(): string {
  return Buffer.from(crypto.randomUUID()).toString("base64");
}

export function contentSecurityPolicy(nonce: string, devServer: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${devServer ? " 'unsafe-eval'" : ""}`,
    // Charts set style attributes; scripts stay nonce-only.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join("; ");
}

/** HSTS for a request that arrived over HTTPS (directly, or as its ingress says). */
export const HSTS = "max-age=63072000; includeSubDomains";

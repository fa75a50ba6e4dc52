/**
 * One token cache for the whole process. Every Key Vault reader (one per vault and scan) and SDK client learns its
 * vault's challenge and then asks the credential for a token; each ask went through DefaultAzureCredential's chain
 * and MSAL's cache search (~3 % of the scanner's CPU on the large estate when a scan made three clients per vault).
 * The cache answers those from memory while the token is fresh; the credential still does every real acquisition and
 * refresh.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";

/** Refresh this long before expiry (the SDKs' own token cyclers refresh 2 minutes before; this is earlier). */
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

export function cachingCredential(inner: TokenCredential): TokenCredential {
  const cache = new Map<string, AccessToken>();
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      // a claims challenge (CAE) or a proof-of-possession request must reach the credential, and is not kept
      if (options?.claims || options?.proofOfPossessionOptions) return inner.getToken(scopes, options);
      const key = `${options?.tenantId ?? ""}\n${options?.enableCae ? "cae" : ""}\n${[scopes].flat().join(" ")}`;
      const hit = cache.get(key);
      const now = Date.now();
      if (hit && now < (hit.refreshAfterTimestamp ?? hit.expiresOnTimestamp - REFRESH_BEFORE_EXPIRY_MS)) return hit;
      const t = await inner.getToken(scopes, options);
      if (t) cache.set(key, t);
      else cache.delete(key);
      return t;
    },
  };
}

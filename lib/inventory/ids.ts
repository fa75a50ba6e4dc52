/**
 * Vault URLs: a vault's key is its ARM resource id (with slashes), so the console addresses it as the
 * base64url of the lower-case id — `/vaults/<base64url(id)>`. Reversible (no lookup table), URL-safe, and
 * immune to proxies that decode %2F in path segments.
 */
export function vaultSlug(id: string): string {
  return Buffer.from(id.toLowerCase(), "utf8").toString("base64url");
}

export function vaultIdFromSlug(slug: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,1400}$/.test(slug)) return null;
  const id = Buffer.from(slug, "base64url").toString("utf8");
  return id.startsWith("/subscriptions/") ? id : null;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

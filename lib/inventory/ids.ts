/**
 * Vault URLs: a vault's key is its ARM resource id (with slashes), so the console addresses it as the
 * base64url of the lower-case id — `/vaults/<base64url(id)>`. Reversible (no lookup table), URL-safe, and
 * immune to proxies that decode %2F in path segments.
 */
export function vaultSlug(id: string): string {
  let slug = slugs.get(id);
  if (slug === undefined) {
    slug = encodeSlug(id);
    if (slugs.size >= SLUG_CACHE_SIZE) slugs.clear();
    slugs.set(id, slug);
  }
  return slug;
}

/**
 * Every inventory page builds 50 vault links, mostly for vaults it built before: encoding them cost ~0.17 ms of an
 * inventory navigation's server CPU (docs/benchmarks.md). Bounded: an estate has far fewer vaults than this.
 */
const SLUG_CACHE_SIZE = 10_000;
const slugs = new Map<string, string>();

function encodeSlug(id: string): string {
  // No Buffer: the vault list's rows (a client component) build their links from the id they already carry.
  const bytes = new TextEncoder().encode(id.toLowerCase());
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The vault's page. */
export function vaultHref(id: string): string {
  return `/vaults/${vaultSlug(id)}`;
}

/** The inventory filtered to one vault. */
export function vaultInventoryHref(id: string): string {
  return `/inventory?vault=${encodeURIComponent(id)}`;
}

export function vaultIdFromSlug(slug: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,1400}$/.test(slug)) return null;
  const id = Buffer.from(slug, "base64url").toString("utf8");
  return id.startsWith("/subscriptions/") ? id : null;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

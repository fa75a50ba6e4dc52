/**
 * Key Vault's JSON (API 2025-07-01) as the scanner reads it, and its mapping to the properties the listings use —
 * the same fields, names and units the Key Vault SDKs produced (times as Dates from Unix seconds, the name and
 * version from the object's id, the thumbprint in hex), so nothing downstream changed with the reader.
 */
export type KvKind = "secret" | "certificate" | "key";

export interface WireAttributes {
  enabled?: boolean;
  nbf?: number;
  exp?: number;
  created?: number;
  updated?: number;
  recoveryLevel?: string;
  exportable?: boolean;
}

/** A list item or version item: secrets and certificates carry `id`, keys `kid`. */
export interface WireItem {
  id?: string;
  kid?: string;
  attributes?: WireAttributes;
  tags?: unknown;
  contentType?: unknown;
  managed?: unknown;
  /** certificates: SHA-1 thumbprint, base64url */
  x5t?: unknown;
}

export type AnyProps = {
  id?: string;
  name: string;
  version?: string;
  enabled?: boolean;
  notBefore?: Date;
  expiresOn?: Date;
  createdOn?: Date;
  updatedOn?: Date;
  contentType?: string;
  managed?: boolean;
  recoveryLevel?: string;
  tags?: Record<string, string>;
  x509ThumbprintString?: string;
};

/** Unix seconds → Date; absent stays absent; anything else becomes an Invalid Date, which the schema refuses. */
export function timeOf(v: unknown): Date | undefined {
  if (v === undefined || v === null) return undefined;
  return new Date(typeof v === "number" ? v * 1000 : NaN);
}

/** `https://v.vault.azure.net/{collection}/{name}[/{version}]` → name and version (undefined when unreadable). */
export function nameAndVersion(id: unknown): { name?: string; version?: string } {
  if (typeof id !== "string") return {};
  let path: string[];
  try {
    path = new URL(id).pathname.split("/").filter(Boolean);
  } catch {
    return {};
  }
  return { name: path[1], version: path[2] };
}

const hexOf = (b64url: unknown) =>
  typeof b64url === "string" && b64url ? Buffer.from(b64url, "base64url").toString("hex") : undefined;

export function propsOf(type: KvKind, w: WireItem): AnyProps {
  const id = type === "key" ? (w.kid ?? w.id) : w.id;
  const { name, version } = nameAndVersion(id);
  const a = w.attributes ?? {};
  return {
    id,
    // the schema refuses an item without a name; the cast only carries it there
    name: name as string,
    version,
    enabled: a.enabled,
    notBefore: timeOf(a.nbf),
    expiresOn: timeOf(a.exp),
    createdOn: timeOf(a.created),
    updatedOn: timeOf(a.updated),
    contentType: w.contentType as string | undefined,
    managed: w.managed as boolean | undefined,
    recoveryLevel: a.recoveryLevel,
    tags: w.tags as Record<string, string> | undefined,
    x509ThumbprintString: type === "certificate" ? hexOf(w.x5t) : undefined,
  };
}

/** Certificate policy as Key Vault sends it (snake case). */
export interface WireCertificatePolicy {
  id?: string;
  key_props?: { exportable?: boolean; kty?: string; key_size?: number; reuse_key?: boolean; crv?: string };
  secret_props?: { contentType?: string };
  x509_props?: { subject?: string; ekus?: string[]; validity_months?: number };
  lifetime_actions?: {
    trigger?: { lifetime_percentage?: number; days_before_expiry?: number };
    action?: { action_type?: string };
  }[];
  issuer?: { name?: string };
}

export interface WireCertificate {
  id?: string;
  cer?: string;
  policy?: WireCertificatePolicy;
}

export interface WireKey {
  key?: { kid?: string; kty?: string; key_ops?: string[]; n?: string; crv?: string };
  attributes?: WireAttributes;
}

export interface WireRotationPolicy {
  id?: string;
  lifetimeActions?: { trigger?: { timeAfterCreate?: string; timeBeforeExpiry?: string }; action?: { type?: string } }[];
  attributes?: { expiryTime?: string };
}

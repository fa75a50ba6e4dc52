/**
 * Key Vault data plane, per-object detail that never contains a secret value: certificate GET (public certificate +
 * policy), certificate policy, key GET (public key parameters), key rotation policy.
 */
import { withRetry, type CallOptions } from "./retry";
import type { VaultReader } from "./vault-reader";
import { x509Fields } from "./x509-fields";
import {
  nameAndVersion,
  type WireCertificate,
  type WireCertificatePolicy,
  type WireKey,
  type WireRotationPolicy,
} from "./vault-wire";

export interface CertificateDetail {
  version?: string;
  subject?: string;
  issuer?: string;
  sans?: string[];
  thumbprint?: string;
  serialNumber?: string;
  validFrom?: string;
  validTo?: string;
  policy?: {
    issuerName?: string;
    subject?: string;
    keyType?: string;
    keySize?: number;
    keyCurveName?: string;
    exportable?: boolean;
    reuseKey?: boolean;
    contentType?: string;
    validityInMonths?: number;
    lifetimeActions?: { action?: string; lifetimePercentage?: number; daysBeforeExpiry?: number }[];
    enhancedKeyUsage?: string[];
  };
}

/** Certificate GET: the public certificate and its policy (allowed: no secret value, no private key). */
export async function getCertificateDetail(
  reader: VaultReader,
  name: string,
  o: CallOptions,
): Promise<CertificateDetail> {
  const cert = await withRetry(
    (signal) => reader.getJson<WireCertificate>(`/certificates/${encodeURIComponent(name)}/`, signal),
    o,
  );
  const out: CertificateDetail = { version: nameAndVersion(cert.id).version };
  if (typeof cert.cer === "string" && cert.cer.length) {
    try {
      Object.assign(out, x509Fields(Buffer.from(cert.cer, "base64")));
    } catch {
      /* unparsable DER: keep the policy only */
    }
  }
  if (cert.policy) out.policy = summarisePolicy(cert.policy);
  return out;
}

function summarisePolicy(p: WireCertificatePolicy): NonNullable<CertificateDetail["policy"]> {
  return {
    issuerName: p.issuer?.name,
    subject: p.x509_props?.subject,
    keyType: p.key_props?.kty,
    keySize: p.key_props?.key_size,
    keyCurveName: p.key_props?.crv,
    exportable: p.key_props?.exportable,
    reuseKey: p.key_props?.reuse_key,
    contentType: p.secret_props?.contentType,
    validityInMonths: p.x509_props?.validity_months,
    lifetimeActions: p.lifetime_actions?.map((a) => ({
      action: a.action?.action_type,
      lifetimePercentage: a.trigger?.lifetime_percentage,
      daysBeforeExpiry: a.trigger?.days_before_expiry,
    })),
    enhancedKeyUsage: p.x509_props?.ekus,
  };
}

/**
 * Certificate policy GET: the policy alone. A policy can change without a new certificate version (unlike the X.509
 * fields), so a full scan re-reads it for unchanged certificates instead of the whole certificate.
 */
export async function getCertificatePolicy(
  reader: VaultReader,
  name: string,
  o: CallOptions,
): Promise<NonNullable<CertificateDetail["policy"]>> {
  const p = await withRetry(
    (signal) => reader.getJson<WireCertificatePolicy>(`/certificates/${encodeURIComponent(name)}/policy`, signal),
    o,
  );
  return summarisePolicy(p);
}

export interface KeyDetail {
  version?: string;
  kty?: string;
  keySize?: number;
  curve?: string;
  keyOps?: string[];
  exportable?: boolean;
  hsm?: boolean;
}

/** Key GET: public key parameters only (n/e or x/y are never stored; only their size). */
export async function getKeyDetail(reader: VaultReader, name: string, o: CallOptions): Promise<KeyDetail> {
  const k = await withRetry((signal) => reader.getJson<WireKey>(`/keys/${encodeURIComponent(name)}/`, signal), o);
  const jwk = k.key ?? {};
  // the modulus' size in bits (its value is public, but it is not kept)
  const size = typeof jwk.n === "string" && jwk.n ? Buffer.from(jwk.n, "base64url").length * 8 : undefined;
  return {
    version: nameAndVersion(jwk.kid).version,
    kty: jwk.kty,
    keySize: size,
    curve: jwk.crv,
    keyOps: jwk.key_ops,
    exportable: k.attributes?.exportable,
    hsm: jwk.kty ? jwk.kty.endsWith("-HSM") : undefined,
  };
}

export interface RotationPolicySummary {
  configured: boolean;
  expiresIn?: string;
  lifetimeActions?: { action?: string; timeAfterCreate?: string; timeBeforeExpiry?: string }[];
  autoRotate: boolean;
}

export async function getKeyRotationPolicy(
  reader: VaultReader,
  name: string,
  o: CallOptions,
): Promise<RotationPolicySummary> {
  const p = await withRetry(
    (signal) => reader.getJson<WireRotationPolicy>(`/keys/${encodeURIComponent(name)}/rotationpolicy`, signal),
    o,
  );
  const actions = (p.lifetimeActions ?? []).map((a) => ({
    action: a.action?.type,
    timeAfterCreate: a.trigger?.timeAfterCreate,
    timeBeforeExpiry: a.trigger?.timeBeforeExpiry,
  }));
  const expiresIn = p.attributes?.expiryTime;
  return {
    configured: !!(p.id || actions.length || expiresIn),
    expiresIn,
    lifetimeActions: actions,
    autoRotate: actions.some((a) => /rotate/i.test(a.action ?? "")),
  };
}

/**
 * Key Vault data plane, per-object detail that never contains a secret value: certificate GET (public certificate +
 * policy), certificate policy, key GET (public key parameters), key rotation policy.
 */
import { X509Certificate } from "node:crypto";
import type { KeyVaultClients } from "./clients";
import { withRetry, type CallOptions } from "./retry";

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
  c: KeyVaultClients,
  name: string,
  o: CallOptions,
): Promise<CertificateDetail> {
  const cert = await withRetry((signal) => c.certificates.getCertificate(name, { abortSignal: signal }), o);
  const out: CertificateDetail = { version: cert.properties.version };
  if (cert.cer && cert.cer.length) {
    try {
      const x = new X509Certificate(Buffer.from(cert.cer));
      out.subject = x.subject.replace(/\n/g, ", ");
      out.issuer = x.issuer.replace(/\n/g, ", ");
      out.sans = x.subjectAltName ? x.subjectAltName.split(/,\s*/) : [];
      out.thumbprint = x.fingerprint.replace(/:/g, "").toLowerCase();
      out.serialNumber = x.serialNumber;
      out.validFrom = new Date(x.validFrom).toISOString();
      out.validTo = new Date(x.validTo).toISOString();
    } catch {
      /* unparsable DER: keep the policy only */
    }
  }
  if (cert.policy) out.policy = summarisePolicy(cert.policy);
  return out;
}

type SdkCertificatePolicy = NonNullable<Awaited<ReturnType<KeyVaultClients["certificates"]["getCertificatePolicy"]>>>;

function summarisePolicy(p: SdkCertificatePolicy): NonNullable<CertificateDetail["policy"]> {
  return {
    issuerName: p.issuerName,
    subject: p.subject,
    keyType: p.keyType,
    keySize: p.keySize,
    keyCurveName: p.keyCurveName,
    exportable: p.exportable,
    reuseKey: p.reuseKey,
    contentType: p.contentType,
    validityInMonths: p.validityInMonths,
    lifetimeActions: p.lifetimeActions?.map((a) => ({
      action: a.action,
      lifetimePercentage: a.lifetimePercentage,
      daysBeforeExpiry: a.daysBeforeExpiry,
    })),
    enhancedKeyUsage: p.enhancedKeyUsage,
  };
}

/**
 * Certificate policy GET: the policy alone. A policy can change without a new certificate version (unlike the X.509
 * fields), so a full scan re-reads it for unchanged certificates instead of the whole certificate.
 */
export async function getCertificatePolicy(
  c: KeyVaultClients,
  name: string,
  o: CallOptions,
): Promise<NonNullable<CertificateDetail["policy"]>> {
  const p = await withRetry((signal) => c.certificates.getCertificatePolicy(name, { abortSignal: signal }), o);
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
export async function getKeyDetail(c: KeyVaultClients, name: string, o: CallOptions): Promise<KeyDetail> {
  const k = await withRetry((signal) => c.keys.getKey(name, { abortSignal: signal }), o);
  const jwk = k.key ?? {};
  const size = jwk.n ? jwk.n.length * 8 : undefined;
  return {
    version: k.properties.version,
    kty: jwk.kty,
    keySize: size,
    curve: jwk.crv,
    keyOps: jwk.keyOps,
    exportable: k.properties.exportable,
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
  c: KeyVaultClients,
  name: string,
  o: CallOptions,
): Promise<RotationPolicySummary> {
  const p = await withRetry((signal) => c.keys.getKeyRotationPolicy(name, { abortSignal: signal }), o);
  const actions = (p.lifetimeActions ?? []).map((a) => ({
    action: a.action,
    timeAfterCreate: a.timeAfterCreate,
    timeBeforeExpiry: a.timeBeforeExpiry,
  }));
  return {
    configured: !!(p.id || actions.length || p.expiresIn),
    expiresIn: p.expiresIn,
    lifetimeActions: actions,
    autoRotate: actions.some((a) => /rotate/i.test(a.action ?? "")),
  };
}

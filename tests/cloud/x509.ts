// Real X.509 material for Key Vault certificates: node-forge builds the certificate, node:crypto signs it (fast).
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import forge from "node-forge";
import { ensureCa, signCertificate, certToDer } from "./ensure-ca.mjs";

let material:
  | { privateKey: crypto.KeyObject; forgePublic: forge.pki.PublicKey; jwk: crypto.JsonWebKey; ec: crypto.JsonWebKey }
  | undefined;

/** An RSA private key of `bits`, kept in the CA's folder under `file` so that it (and every DER it signs) is the same
 * across runs. */
function persistedRsaKey(file: string, bits: number): crypto.KeyObject {
  const p = path.join(ensureCa().dir, file);
  if (!fs.existsSync(p)) {
    const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: bits });
    const tmp = `${p}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    fs.renameSync(tmp, p);
  }
  return crypto.createPrivateKey(fs.readFileSync(p, "utf8"));
}

/** One RSA-2048 key (persisted next to the CA so thumbprints are stable across runs) used as subject + signing key. */
function certKeyMaterial() {
  if (material) return material;
  const privateKey = persistedRsaKey("kv-cert-key.pem", 2048);
  const pub = crypto.createPublicKey(privateKey);
  const ecKey = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey;
  material = {
    privateKey,
    forgePublic: forge.pki.publicKeyFromPem(pub.export({ type: "spki", format: "pem" }).toString()),
    jwk: pub.export({ format: "jwk" }),
    ec: ecKey.export({ format: "jwk" }),
  };
  return material;
}

let issuerKey: crypto.KeyObject | undefined;

/**
 * The key that signs every CA-issued certificate of the estate (the issuers are names: nothing here or in the product
 * checks these signatures). 1024 bits: the local cloud signs a certificate on its first GET, and a 2048-bit signature
 * (~0.7 ms) made the local cloud, not the scanner, the busiest process of an initial scan (docs/benchmarks.md, "The
 * local cloud's share"). A self-signed certificate is still signed by its own 2048-bit key.
 */
function caIssuerKey(): crypto.KeyObject {
  return (issuerKey ??= persistedRsaKey("kv-issuer-key.pem", 1024));
}

const publicJwks = new Map<string, crypto.JsonWebKey>();

/**
 * Public JWK parameters of a Key Vault key of this size or curve (RSA 2048 is the certificate key). Real keys, so the
 * modulus length and curve coordinates are what Azure would return; RSA keys are kept next to the CA (generating a
 * 4096-bit key takes seconds), EC keys are made per process.
 */
export function publicKeyJwk(spec: { rsaBits?: number; curve?: string }): crypto.JsonWebKey {
  const id = spec.curve ? `ec-${spec.curve}` : `rsa-${spec.rsaBits ?? 2048}`;
  const hit = publicJwks.get(id);
  if (hit) return hit;
  let jwk: crypto.JsonWebKey;
  if (spec.curve) {
    const namedCurve = { "P-256": "prime256v1", "P-384": "secp384r1", "P-521": "secp521r1", "P-256K": "secp256k1" }[
      spec.curve
    ];
    if (!namedCurve) throw new Error(`unsupported curve ${spec.curve}`);
    jwk = crypto.generateKeyPairSync("ec", { namedCurve }).publicKey.export({ format: "jwk" });
    jwk.crv = spec.curve;
  } else if ((spec.rsaBits ?? 2048) === 2048) jwk = certKeyMaterial().jwk;
  else jwk = crypto.createPublicKey(persistedRsaKey(`kv-key-${id}.pem`, spec.rsaBits!)).export({ format: "jwk" });
  publicJwks.set(id, jwk);
  return jwk;
}

function dnAttrs(dn: string): forge.pki.CertificateField[] {
  // "CN=a, O=b" → forge attributes (only the short names we generate)
  const map: Record<string, string> = {
    CN: "commonName",
    O: "organizationName",
    OU: "organizationalUnitName",
    C: "countryName",
    L: "localityName",
    ST: "stateOrProvinceName",
  };
  return dn
    .split(/,\s*/)
    .filter(Boolean)
    .map((part) => {
      const [k, ...rest] = part.split("=");
      return { name: map[k.trim().toUpperCase()] ?? "commonName", value: rest.join("=") };
    });
}

const ISSUER_DN: Record<string, string> = {
  DigiCert: "CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US",
  GlobalSign: "CN=GlobalSign GCC R3 DV TLS CA 2020, O=GlobalSign nv-sa, C=BE",
  "OneCertV2-PublicCA": "CN=Microsoft Azure RSA TLS Issuing CA 04, O=Microsoft Corporation, C=US",
  Unknown: "CN=Contoso Internal Issuing CA, O=Contoso",
};

/** The private key of the estate's certificates (they share one; a created version gets its own, see newCertKey). */
export function sharedCertPrivateKey(): crypto.KeyObject {
  return certKeyMaterial().privateKey;
}

/** A fresh RSA key for a certificate version Key Vault creates (CreateCertificate makes a new key pair every time). */
export function newCertKey(bits = 2048): crypto.KeyObject {
  return crypto.generateKeyPairSync("rsa", { modulusLength: bits }).privateKey;
}

/**
 * DER for a certificate whose validity is exactly [nbf, exp] (unix seconds). `key` is its subject key (default: the
 * estate's shared one); a self-signed certificate is signed by it, a CA-issued one by the issuer key (caIssuerKey).
 */
export function makeCertDer(opts: {
  subject: string;
  sans: string[];
  issuer: string;
  nbf: number;
  exp: number;
  serialHex: string;
  key?: crypto.KeyObject;
}): Buffer {
  const m = certKeyMaterial();
  const cert = forge.pki.createCertificate();
  cert.publicKey = opts.key
    ? forge.pki.publicKeyFromPem(crypto.createPublicKey(opts.key).export({ type: "spki", format: "pem" }).toString())
    : m.forgePublic;
  cert.serialNumber = "01" + opts.serialHex.slice(0, 30);
  cert.validity.notBefore = new Date(opts.nbf * 1000);
  cert.validity.notAfter = new Date(opts.exp * 1000);
  cert.setSubject(dnAttrs(opts.subject));
  cert.setIssuer(dnAttrs(opts.issuer === "Self" ? opts.subject : (ISSUER_DN[opts.issuer] ?? ISSUER_DN.Unknown)));
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
    { name: "extKeyUsage", serverAuth: true, clientAuth: true },
    ...(opts.sans.length ? [{ name: "subjectAltName", altNames: opts.sans.map((d) => ({ type: 2, value: d })) }] : []),
  ]);
  signCertificate(cert, opts.issuer === "Self" ? (opts.key ?? m.privateKey) : caIssuerKey());
  return certToDer(cert);
}

export function x5tOf(der: Buffer): string {
  return crypto.createHash("sha1").update(der).digest("base64url");
}

export function derToPem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
}

/** Parse what ImportCertificate receives: base64 PKCS#12 (with optional password) or PEM text. Returns the leaf DER. */
export function parseImport(
  value: string,
  pwd: string | undefined,
  contentType: string | undefined,
): { der: Buffer; subject: string; sans: string[]; nbf: number; exp: number } {
  let certs: forge.pki.Certificate[] = [];
  if (contentType === "application/x-pem-file" || value.includes("-----BEGIN CERTIFICATE-----")) {
    const blocks = value.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    certs = blocks.map((b) => forge.pki.certificateFromPem(b));
  } else {
    const der = forge.util.decode64(value.replace(/\s+/g, ""));
    const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der), pwd ?? "");
    const bags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
    certs = bags.map((b) => b.cert).filter((c): c is forge.pki.Certificate => !!c);
  }
  if (!certs.length) throw new Error("no certificate found");
  // leaf = first certificate that is not the issuer of another one in the bundle
  const leaf = certs.find((c) => !certs.some((o) => o !== c && o.issuer.hash === c.subject.hash)) ?? certs[0];
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(leaf)).getBytes(), "binary");
  const x = new crypto.X509Certificate(der);
  const sans = (x.subjectAltName ?? "")
    .split(/,\s*/)
    .filter((s) => s.startsWith("DNS:"))
    .map((s) => s.slice(4));
  return {
    der,
    subject: x.subject.split("\n").reverse().join(", "),
    sans,
    nbf: Math.floor(Date.parse(x.validFrom) / 1000),
    exp: Math.floor(Date.parse(x.validTo) / 1000),
  };
}

#!/usr/bin/env node
// Local cloud TLS material: a self-signed CA (created once, persisted) and a loopback leaf certificate signed by it.
// Plain JS on purpose: npm scripts run it before Node starts with NODE_EXTRA_CA_CERTS pointing at the CA, e.g.
//   node tests/cloud/ensure-ca.mjs && NODE_EXTRA_CA_CERTS=.data/local-cloud/ca.pem tsx tests/cloud/cli.ts
// Printed on stdout: the path to use as NODE_EXTRA_CA_CERTS (nothing else), so
//   export NODE_EXTRA_CA_CERTS=$(node tests/cloud/ensure-ca.mjs)
// works. That is ca.pem, or — when NODE_EXTRA_CA_CERTS is already set to another file — ca-bundle.pem (that file + our CA).
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import forge from "node-forge";

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, "..", "..");
export const DEFAULT_DATA_DIR = path.join(REPO_ROOT, ".data", "local-cloud");

/** forge cert.sign() with the RSA signature computed by node:crypto (fast, native). */
export function signCertificate(cert, privateKey /* crypto.KeyObject | pem */) {
  const md = {
    algorithm: "sha256",
    data: "",
    update(b) {
      this.data += b;
      return this;
    },
  };
  const key = { sign: (m) => crypto.sign("sha256", Buffer.from(m.data, "binary"), privateKey).toString("binary") };
  cert.sign(key, md);
  return cert;
}

export function certToDer(cert) {
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), "binary");
}

function serial() {
  // positive, 16 bytes
  const b = crypto.randomBytes(16);
  b[0] &= 0x7f;
  return b.toString("hex");
}

function newRsaKey() {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privateKey,
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    forgePublic: forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString()),
  };
}

function createCa() {
  const k = newRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = k.forgePublic;
  cert.serialNumber = serial();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 24 * 3600e3);
  cert.validity.notAfter = new Date(now + 10 * 365 * 24 * 3600e3);
  const attrs = [
    { name: "commonName", value: "CertifyClouds Local Cloud CA" },
    { name: "organizationName", value: "CertifyClouds test" },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  signCertificate(cert, k.privateKey);
  return { certPem: forge.pki.certificateToPem(cert), keyPem: k.privatePem };
}

function createLeaf(caCertPem, caKeyPem) {
  const ca = forge.pki.certificateFromPem(caCertPem);
  const caKey = crypto.createPrivateKey(caKeyPem);
  const k = newRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = k.forgePublic;
  cert.serialNumber = serial();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 24 * 3600e3);
  cert.validity.notAfter = new Date(now + 397 * 24 * 3600e3);
  cert.setSubject([{ name: "commonName", value: "localhost" }]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: [
        { type: 7, ip: "127.0.0.1" },
        { type: 2, value: "localhost" },
      ],
    },
  ]);
  signCertificate(cert, caKey);
  return { certPem: forge.pki.certificateToPem(cert), keyPem: k.privatePem };
}

function leafUsable(leafPem, caPem) {
  try {
    const leaf = new crypto.X509Certificate(leafPem);
    const ca = new crypto.X509Certificate(caPem);
    if (!leaf.verify(ca.publicKey)) return false;
    if (Date.parse(leaf.validTo) < Date.now() + 7 * 24 * 3600e3) return false;
    return leaf.checkIP("127.0.0.1") !== undefined;
  } catch {
    return false;
  }
}

/**
 * Ensure CA + leaf exist under dataDir (default <repo>/.data/local-cloud, or $LOCAL_CLOUD_DATA_DIR).
 * Returns { dir, caPath, caKeyPath, certPath, keyPath, caPem, certPem, keyPem }.
 */
export function ensureCa(dataDir = process.env.LOCAL_CLOUD_DATA_DIR || DEFAULT_DATA_DIR) {
  const dir = path.resolve(dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const caPath = path.join(dir, "ca.pem");
  const caKeyPath = path.join(dir, "ca-key.pem");
  const certPath = path.join(dir, "localhost.pem");
  const keyPath = path.join(dir, "localhost-key.pem");
  const writeAtomic = (p, s, mode) => {
    const tmp = `${p}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
    fs.writeFileSync(tmp, s, { mode });
    fs.renameSync(tmp, p);
  };
  if (!fs.existsSync(caPath) || !fs.existsSync(caKeyPath)) {
    const ca = createCa();
    writeAtomic(caKeyPath, ca.keyPem, 0o600);
    writeAtomic(caPath, ca.certPem, 0o644);
  }
  const caPem = fs.readFileSync(caPath, "utf8");
  const caKeyPem = fs.readFileSync(caKeyPath, "utf8");
  let ok = fs.existsSync(certPath) && fs.existsSync(keyPath) && leafUsable(fs.readFileSync(certPath, "utf8"), caPem);
  if (!ok) {
    const leaf = createLeaf(caPem, caKeyPem);
    writeAtomic(keyPath, leaf.keyPem, 0o600);
    writeAtomic(certPath, leaf.certPem, 0o644);
  }
  return {
    dir,
    caPath,
    caKeyPath,
    certPath,
    keyPath,
    caPem,
    bundlePath: bundleFor(dir, caPath, caPem),
    certPem: fs.readFileSync(certPath, "utf8"),
    keyPem: fs.readFileSync(keyPath, "utf8"),
  };
}

/**
 * NODE_EXTRA_CA_CERTS holds ONE file. If the environment already points it at another bundle (CI images often set
 * /etc/ssl/certs/ca-certificates.crt), write <dir>/ca-bundle.pem = that file + our CA and return its path; else ca.pem.
 */
function bundleFor(dir, caPath, caPem) {
  const existing = process.env.NODE_EXTRA_CA_CERTS;
  if (!existing || path.resolve(existing) === caPath || path.resolve(existing) === path.join(dir, "ca-bundle.pem"))
    return caPath;
  let extra = "";
  try {
    extra = fs.readFileSync(existing, "utf8");
  } catch {
    return caPath;
  }
  const bundlePath = path.join(dir, "ca-bundle.pem");
  const content = `${extra.trimEnd()}\n${caPem}`;
  if (!fs.existsSync(bundlePath) || fs.readFileSync(bundlePath, "utf8") !== content) {
    const tmp = `${bundlePath}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, bundlePath);
  }
  return bundlePath;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = ensureCa(process.argv[2]);
  process.stdout.write(r.bundlePath + "\n");
}

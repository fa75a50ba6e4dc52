// The local cloud's certificates: real DER with the facts the scanner reads, signed as a real chain would be — a
// self-signed certificate by its own key, a CA-issued one by the (local) issuer's key, which is a cheaper 1024-bit key
// because the cloud signs each certificate on its first GET, on the same cores as the scanner under test.
import { X509Certificate } from "node:crypto";
import { describe, expect, test } from "vitest";
import { startCloud } from "../../cloud";
import { makeCertDer, sharedCertPrivateKey } from "../../cloud/x509";
import { createPublicKey } from "node:crypto";

const base = { sans: ["a.contoso.com"], nbf: 1_760_000_000, exp: 1_790_000_000, serialHex: "0a1b2c3d4e5f" };

describe("estate certificates", () => {
  test("a self-signed certificate verifies with its own public key", () => {
    const x = new X509Certificate(makeCertDer({ ...base, subject: "CN=a.contoso.com", issuer: "Self" }));
    expect(x.subject).toBe("CN=a.contoso.com");
    expect(x.issuer).toBe(x.subject);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  test("a CA-issued certificate names its issuer, keeps the 2048-bit subject key, and is not signed by it", () => {
    const x = new X509Certificate(makeCertDer({ ...base, subject: "CN=b.contoso.com", issuer: "DigiCert" }));
    expect(x.issuer).toContain("CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1");
    expect(x.subjectAltName).toBe("DNS:a.contoso.com");
    expect(x.publicKey.export({ format: "jwk" }).n).toBe(
      createPublicKey(sharedCertPrivateKey()).export({ format: "jwk" }).n,
    );
    expect(x.verify(x.publicKey)).toBe(false);
    expect(new Date(x.validTo).getTime() / 1000).toBe(base.exp);
  });

  test("prepareCertificates builds every version's certificate before anyone asks, the same one a GET returns", async () => {
    const cloud = await startCloud({ estate: "tiny", throttling: false });
    try {
      const c = cloud.control;
      const versions = c
        .vaults()
        .flatMap((v) => c.objects(v.name, "certificates").map((n) => c.object(v.name, "certificates", n)))
        .flatMap((o) => o.versions);
      expect(versions.length).toBeGreaterThan(0);
      expect(versions.filter((ver) => ver.cert?.der).length).toBeLessThan(versions.length);
      const r = c.prepareCertificates();
      expect(r.versions).toBe(versions.length);
      expect(versions.every((ver) => ver.cert?.der)).toBe(true);
      const [v] = c.vaults().filter((x) => c.objects(x.name, "certificates").length > 0);
      const name = c.objects(v.name, "certificates")[0];
      const cer = c.certificateCer(v.name, name);
      expect(
        Buffer.from(cer, "base64").equals(c.object(v.name, "certificates", name).versions.at(-1)!.cert!.der!),
      ).toBe(true);
    } finally {
      await cloud.stop();
    }
  });
});

// Matching an app's certificate credential to Key Vault certificates: Graph's customKeyIdentifier in its forms, and
// which holder a rotation can make new versions in.
import { describe, expect, test } from "vitest";
import { thumbprintOf } from "@/lib/cloud/graph";
import { notRotatable, sourceOf, type CertificateHolder } from "@/lib/rotation/certificate-links";

const HEX = "8F5FDCB9F6E6DA4C85BBEE5419C6FAAB4B276B0D";

describe("thumbprintOf (Graph customKeyIdentifier)", () => {
  test("hex text, base64 of the 20 bytes, base64 of the hex text: the same thumbprint", () => {
    expect(thumbprintOf(HEX.toLowerCase())).toBe(HEX);
    expect(thumbprintOf(Buffer.from(HEX, "hex").toString("base64"))).toBe(HEX);
    expect(thumbprintOf(Buffer.from(HEX).toString("base64"))).toBe(HEX);
  });
  test("a custom identifier that is no thumbprint, or none: null", () => {
    expect(thumbprintOf(Buffer.from("my-own-label").toString("base64"))).toBeNull();
    expect(thumbprintOf("")).toBeNull();
    expect(thumbprintOf(null)).toBeNull();
    expect(thumbprintOf(undefined)).toBeNull();
  });
});

const holder = (over: Partial<CertificateHolder>): CertificateHolder => ({
  vaultId: "/v/a",
  vaultName: "kv-a",
  vaultUri: "https://kv-a.vault.azure.net/",
  name: "app-auth",
  version: "1",
  issuerName: "Self",
  validityMonths: 12,
  keyType: "RSA",
  ...over,
});

describe("which Key Vault certificate a rotation renews", () => {
  test("self-signed and CA-issued RSA certificates can be renewed by Key Vault", () => {
    expect(notRotatable(holder({}))).toBeNull();
    expect(notRotatable(holder({ issuerName: "DigiCert", keyType: "RSA-HSM" }))).toBeNull();
  });
  test("an imported certificate (issuer Unknown, or none) or an EC key cannot", () => {
    expect(notRotatable(holder({ issuerName: "Unknown" }))).toMatch(/imported/);
    expect(notRotatable(holder({ issuerName: null }))).toMatch(/imported/);
    expect(notRotatable(holder({ keyType: "EC" }))).toMatch(/EC key/);
  });
  test("the source is the first holder Key Vault can renew; copies stay copies", () => {
    const imported = holder({ vaultName: "kv-a", issuerName: "Unknown" });
    const own = holder({ vaultName: "kv-b" });
    const c = { keyId: "k", displayName: null, endDateTime: null, thumbprint: HEX };
    expect(sourceOf({ ...c, holders: [imported, own] })).toBe(own);
    expect(sourceOf({ ...c, holders: [imported] })).toBeUndefined();
    expect(sourceOf({ ...c, holders: [] })).toBeUndefined();
  });
});

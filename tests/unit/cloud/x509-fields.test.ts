import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { readPlainCertificate, viaNodeCrypto, x509Fields, type X509Fields } from "@/lib/cloud/x509-fields";

// A small DER writer, so the test can build the shapes real issuers produce and the odd ones they sometimes do
// (escaped names, T61 and BMP strings, multi-valued RDNs, IPv6 and directory-name SANs, negative serials, fractional
// times). The signature is never checked by a parser, so it is filler.
function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const el = (tag: number, ...content: Buffer[]) => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
};
const seq = (...c: Buffer[]) => el(0x30, ...c);
const set = (...c: Buffer[]) => el(0x31, ...c);
function oid(text: string): Buffer {
  const arcs = text.split(".").map(Number);
  const out: number[] = [];
  for (const arc of [arcs[0] * 40 + arcs[1], ...arcs.slice(2)]) {
    const b = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) b.unshift(0x80 | (v & 0x7f));
    out.push(...b);
  }
  return el(0x06, Buffer.from(out));
}
const str = (tag: number, text: string) =>
  el(tag, tag === 0x1e ? Buffer.from(text, "utf16le").swap16() : Buffer.from(text, tag === 0x0c ? "utf8" : "latin1"));

const SPKI = {
  rsa: generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "der" }),
  ec: generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "der" }),
};

type Atv = [type: string, tag: number, value: string];
interface Shape {
  serial: Buffer;
  issuer: Atv[][];
  subject: Atv[][];
  notBefore: [number, string];
  notAfter: [number, string];
  sans?: Buffer[];
  extraExtensions?: Buffer[];
  key: "rsa" | "ec";
}

const name = (rdns: Atv[][]) => seq(...rdns.map((rdn) => set(...rdn.map(([t, tag, v]) => seq(oid(t), str(tag, v))))));

function certificate(s: Shape): Buffer {
  const algorithm = seq(oid("1.2.840.113549.1.1.11"), Buffer.from([0x05, 0x00]));
  const extensions = [
    seq(oid("2.5.29.19"), el(0x04, seq())),
    ...(s.sans ? [seq(oid("2.5.29.17"), el(0x04, seq(...s.sans)))] : []),
    ...(s.extraExtensions ?? []),
  ];
  const tbs = seq(
    el(0xa0, el(0x02, Buffer.from([2]))),
    el(0x02, s.serial),
    algorithm,
    name(s.issuer),
    seq(el(s.notBefore[0], Buffer.from(s.notBefore[1])), el(s.notAfter[0], Buffer.from(s.notAfter[1]))),
    name(s.subject),
    SPKI[s.key],
    el(0xa3, seq(...extensions)),
  );
  return seq(tbs, algorithm, el(0x03, Buffer.from([0, 1, 2, 3, 4, 5, 6, 7])));
}

/** What node:crypto reads, or "refused" if it cannot parse the DER. */
function reference(der: Buffer): X509Fields | "refused" {
  try {
    return viaNodeCrypto(der);
  } catch {
    return "refused";
  }
}

// a deterministic generator: the same shapes on every run, so a failure can be reproduced
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
  return {
    next,
    pick: <T>(xs: ArrayLike<T>): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}

const KNOWN_TYPES = ["2.5.4.3", "2.5.4.6", "2.5.4.7", "2.5.4.8", "2.5.4.10", "2.5.4.11", "2.5.4.5", "2.5.4.9"];
const MORE_TYPES = ["2.5.4.4", "2.5.4.12", "2.5.4.17", "2.5.4.42", "2.5.4.97", "1.2.840.113549.1.9.1"];
const DC_UID = ["0.9.2342.19200300.100.1.25", "0.9.2342.19200300.100.1.1"];
// description, an EV jurisdiction field and a private OID: printed by node:crypto, declined by the walk
const OTHER_TYPES = ["2.5.4.13", "1.3.6.1.4.1.311.60.2.1.3", "1.2.3.4.5"];
const PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -.'()/:=?";
const AWKWARD = [",", "+", '"', "\\", "<", ">", ";", "#", " ", "\t", "\x7f", "é", "日本", "\u0000"];

function shape(r: ReturnType<typeof random>): Shape {
  const text = (awkward: number) => {
    let t = "";
    for (let n = 1 + Math.floor(r.next() * 12); n > 0; n--) t += r.chance(awkward) ? r.pick(AWKWARD) : r.pick(PLAIN);
    return t;
  };
  const atv = (): Atv => {
    const type = r.chance(0.96)
      ? r.pick(r.chance(0.8) ? KNOWN_TYPES : r.chance(0.7) ? MORE_TYPES : DC_UID)
      : r.pick(OTHER_TYPES);
    const tag = r.chance(0.95) ? r.pick([0x0c, 0x13, 0x16]) : r.pick([0x14, 0x1e]);
    return [type, tag, text(r.chance(0.95) ? 0 : 0.2)];
  };
  const rdns = () =>
    Array.from({ length: 1 + Math.floor(r.next() * 4) }, () => (r.chance(0.1) ? [atv(), atv()] : [atv()]));
  const time = (year: number): [number, string] => {
    const mm = String(1 + Math.floor(r.next() * 12)).padStart(2, "0");
    const dd = String(1 + Math.floor(r.next() * 28)).padStart(2, "0");
    const hms = "235959";
    if (r.chance(0.1)) return [0x18, `${year}${mm}${dd}${hms}${r.chance(0.5) ? ".5" : ""}Z`];
    return [0x17, `${String(year % 100).padStart(2, "0")}${mm}${dd}${hms}Z`];
  };
  const san = (): Buffer => {
    const kind = r.next();
    if (kind < 0.55) return el(0x82, Buffer.from(text(r.chance(0.95) ? 0 : 0.3), "latin1"));
    if (kind < 0.65) return el(0x81, Buffer.from(`ops@${text(0)}`, "latin1"));
    if (kind < 0.72) return el(0x86, Buffer.from(`https://${text(r.chance(0.8) ? 0 : 0.2)}`, "latin1"));
    if (kind < 0.82) return el(0x87, Buffer.from([10, 0, Math.floor(r.next() * 256), 1]));
    if (kind < 0.95) return el(0x87, Buffer.from(Array.from({ length: 16 }, (_, i) => (i % 5 ? 0 : i * 17))));
    if (kind < 0.975) return el(0xa4, name([[["2.5.4.3", 0x0c, "dir"]]]));
    return el(0xa0, oid("1.3.6.1.4.1.311.20.2.3"), el(0xa0, str(0x0c, "upn@contoso.com")));
  };
  const serialBytes = Array.from({ length: 1 + Math.floor(r.next() * 16) }, () => Math.floor(r.next() * 256));
  const year = 2020 + Math.floor(r.next() * 40);
  return {
    serial: Buffer.from(
      serialBytes[0] & 0x80
        ? r.chance(0.9)
          ? [0, ...serialBytes]
          : serialBytes // positive, or negative
        : r.chance(0.05)
          ? [0, ...serialBytes]
          : serialBytes, // minimal, or padded (refused by OpenSSL)
    ),
    issuer: rdns(),
    subject: rdns(),
    notBefore: time(year),
    notAfter: time(year + 1),
    sans: r.chance(0.85) ? Array.from({ length: Math.floor(r.next() * 4) }, san) : undefined,
    extraExtensions: r.chance(0.05) ? [seq(oid("2.5.29.17"), el(0x04, seq(el(0x82, Buffer.from("twice")))))] : [],
    key: r.chance(0.5) ? "rsa" : "ec",
  };
}

describe("X.509 fields without decoding the key", () => {
  it("reads what node:crypto reads for every certificate it does not decline", () => {
    const r = random(Number(process.env.X509_SEED ?? 20261203));
    let read = 0;
    let declined = 0;
    for (let n = 0; n < Number(process.env.X509_N ?? 3000); n++) {
      const der = certificate(shape(r));
      const expected = reference(der);
      const fast = readPlainCertificate(der);
      if (fast === undefined) {
        declined++;
        continue;
      }
      read++;
      expect({ n, fields: fast }).toEqual({ n, fields: expected });
    }
    // both paths carry weight: the walk reads most plain certificates and declines the rest
    expect(read).toBeGreaterThan(600);
    expect(declined).toBeGreaterThan(600);
  });

  it("reads the shapes Key Vault and public CAs issue", () => {
    const der = certificate({
      serial: Buffer.from("00c3a1f00d", "hex"),
      issuer: [[["2.5.4.6", 0x13, "US"]], [["2.5.4.10", 0x13, "DigiCert Inc"]], [["2.5.4.3", 0x13, "DigiCert CA"]]],
      subject: [
        [["2.5.4.3", 0x0c, "app.contoso.com"]],
        [
          ["2.5.4.11", 0x0c, "Ops"],
          ["2.5.4.10", 0x0c, "Zürich AG"],
        ],
      ],
      notBefore: [0x17, "260101000000Z"],
      notAfter: [0x18, "20270101000000Z"],
      sans: [
        el(0x82, Buffer.from("app.contoso.com")),
        el(0x82, Buffer.from("*.contoso.com")),
        el(0x87, Buffer.from([192, 168, 0, 1])),
        el(0x87, Buffer.from("20010db8000000000000000000000001", "hex")),
        el(0x81, Buffer.from("ops@contoso.com")),
      ],
      key: "rsa",
    });
    const fast = readPlainCertificate(der);
    expect(fast).toEqual(viaNodeCrypto(der));
    expect(fast).toMatchObject({
      subject: "CN=app.contoso.com, OU=Ops + O=Zürich AG",
      issuer: "C=US, O=DigiCert Inc, CN=DigiCert CA",
      sans: [
        "DNS:app.contoso.com",
        "DNS:*.contoso.com",
        "IP Address:192.168.0.1",
        "IP Address:2001:DB8:0:0:0:0:0:1",
        "email:ops@contoso.com",
      ],
      serialNumber: "C3A1F00D",
      validFrom: "2026-01-01T00:00:00.000Z",
      validTo: "2027-01-01T00:00:00.000Z",
    });
    expect(fast!.thumbprint).toBe(new X509Certificate(der).fingerprint.replace(/:/g, "").toLowerCase());
  });

  it("leaves every value that needs escaping or quoting, and early years, to node:crypto", () => {
    const plain = (over: Partial<Shape>): Shape => ({
      serial: Buffer.from([1]),
      issuer: [[["2.5.4.3", 0x0c, "CA"]]],
      subject: [[["2.5.4.3", 0x0c, "leaf"]]],
      notBefore: [0x17, "260101000000Z"],
      notAfter: [0x17, "270101000000Z"],
      sans: [el(0x82, Buffer.from("leaf.contoso.com"))],
      key: "ec",
      ...over,
    });
    const awkward = [
      "Contoso, Inc",
      "#tag",
      " lead",
      "trail ",
      "a+b",
      'q"t',
      "back\\slash",
      "<x>",
      "semi;colon",
      "tab\there",
      "del\x7f",
    ];
    const cases = [
      ...awkward.map((v) => plain({ subject: [[["2.5.4.3", 0x0c, v]]] })),
      ...awkward.map((v) => plain({ issuer: [[["2.5.4.10", 0x0c, v]]] })),
      ...["a,b", 'q"', "it's", "back\\", "tab\t", "caf\u00e9"].map((v) =>
        plain({ sans: [el(0x82, Buffer.from(v, "latin1"))] }),
      ),
      plain({ sans: [el(0x86, Buffer.from("https://x/?a=1,2"))] }),
      // V8 reads the year Node prints, 0050, as 1950
      plain({ notBefore: [0x18, "00500101000000Z"] }),
    ].map(certificate);
    for (const der of cases) {
      const expected = reference(der);
      expect(expected).not.toBe("refused");
      expect(readPlainCertificate(der)).toBeUndefined();
      expect(x509Fields(der)).toEqual(expected);
    }
    expect(x509Fields(cases[0])).toMatchObject({ subject: "CN=Contoso\\, Inc" });
    expect(x509Fields(cases[1])).toMatchObject({ subject: "CN=\\#tag" });
  });

  it("throws for bytes that are no certificate, and never reads past the buffer", () => {
    const good = certificate({
      serial: Buffer.from([1]),
      issuer: [[["2.5.4.3", 0x0c, "CA"]]],
      subject: [[["2.5.4.3", 0x0c, "leaf"]]],
      notBefore: [0x17, "260101000000Z"],
      notAfter: [0x17, "270101000000Z"],
      key: "ec",
    });
    expect(() => x509Fields(Buffer.from("not a certificate"))).toThrow();
    for (let cut = 1; cut < good.length; cut += 7) expect(readPlainCertificate(good.subarray(0, cut))).toBeUndefined();
  });
});

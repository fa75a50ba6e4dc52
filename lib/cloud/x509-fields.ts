/**
 * The X.509 facts a scan keeps of a certificate version — subject, issuer, SANs, thumbprint, serial and validity —
 * in node:crypto's own text.
 *
 * Why not always `new X509Certificate`: in Node 20 (OpenSSL 3.0) it decodes the public key as it parses, 108 of the
 * 155 µs a certificate costs here, and a scan never reads the key (docs/benchmarks.md, "Where an X.509 parse goes").
 * So the DER is walked here for the common shapes only: names made of well-known attribute types whose values need no
 * escaping, DNS / email / URI / IP SANs, times in UTC. For anything else the walk gives up and node:crypto reads the
 * certificate, so every stored string is the one Node prints (tests/unit/cloud/x509-fields.test.ts compares the two
 * over generated certificates, including every shape the walk declines).
 */
import { createHash, X509Certificate } from "node:crypto";

export interface X509Fields {
  subject: string;
  issuer: string;
  sans: string[];
  /** SHA-1 of the DER, lower-case hex (Key Vault's x5t, decoded). */
  thumbprint: string;
  serialNumber: string;
  validFrom: string;
  validTo: string;
}

/** The fields, from the walk when it can read them, else from node:crypto. Throws if neither can parse the DER. */
export function x509Fields(der: Buffer): X509Fields {
  return readPlainCertificate(der) ?? viaNodeCrypto(der);
}

/** The fields as node:crypto reads them: the reference the walk must match. */
export function viaNodeCrypto(der: Buffer): X509Fields {
  const x = new X509Certificate(der);
  return {
    subject: x.subject.replace(/\n/g, ", "),
    issuer: x.issuer.replace(/\n/g, ", "),
    sans: x.subjectAltName ? x.subjectAltName.split(/,\s*/) : [],
    thumbprint: x.fingerprint.replace(/:/g, "").toLowerCase(),
    serialNumber: x.serialNumber,
    validFrom: new Date(x.validFrom).toISOString(),
    validTo: new Date(x.validTo).toISOString(),
  };
}

/** A DER element: its tag, and where its contents start and end in the buffer. */
interface Tlv {
  tag: number;
  start: number;
  end: number;
}

/** The element at `pos`, which must end by `limit`; undefined if it is not well-formed DER (only short tags). */
function tlv(buf: Buffer, pos: number, limit: number): Tlv | undefined {
  if (pos + 2 > limit) return undefined;
  const tag = buf[pos];
  if ((tag & 0x1f) === 0x1f) return undefined;
  let len = buf[pos + 1];
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || start + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i];
    start += n;
  }
  const end = start + len;
  return end > limit ? undefined : { tag, start, end };
}

/** The elements inside a constructed element; undefined if they do not exactly fill it. */
function children(buf: Buffer, parent: Tlv): Tlv[] | undefined {
  const out: Tlv[] = [];
  for (let pos = parent.start; pos < parent.end;) {
    const t = tlv(buf, pos, parent.end);
    if (!t) return undefined;
    out.push(t);
    pos = t.end;
  }
  return out;
}

const SEQUENCE = 0x30;
const SET = 0x31;
const INTEGER = 0x02;
const OID = 0x06;
const OCTET_STRING = 0x04;
const UTF8_STRING = 0x0c;
const PRINTABLE_STRING = 0x13;
const IA5_STRING = 0x16;
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;

/** OpenSSL's short names (what Node prints) of the attribute types the walk reads; other types go to node:crypto. */
const ATTRIBUTE_NAMES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.4": "SN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "street",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.12": "title",
  "2.5.4.17": "postalCode",
  "2.5.4.42": "GN",
  "2.5.4.97": "organizationIdentifier",
  "1.2.840.113549.1.9.1": "emailAddress",
  "0.9.2342.19200300.100.1.1": "UID",
  "0.9.2342.19200300.100.1.25": "DC",
};

const SUBJECT_ALT_NAME = "2.5.29.17";

function oidText(buf: Buffer, t: Tlv): string | undefined {
  if (t.tag !== OID || t.end === t.start) return undefined;
  const arcs: number[] = [];
  let value = 0;
  for (let i = t.start; i < t.end; i++) {
    value = value * 128 + (buf[i] & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) return undefined;
    if (!(buf[i] & 0x80)) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return buf[t.end - 1] & 0x80 ? undefined : arcs.join(".");
}

/**
 * A string value that OpenSSL prints as it is: printable ASCII (or UTF-8 for a UTF8String) with none of the characters
 * RFC 2253 escapes, no leading '#' or space and no trailing space. Undefined otherwise.
 */
function plainString(buf: Buffer, t: Tlv): string | undefined {
  if (t.tag !== UTF8_STRING && t.tag !== PRINTABLE_STRING && t.tag !== IA5_STRING) return undefined;
  if (t.end === t.start) return undefined;
  for (let i = t.start; i < t.end; i++) {
    const c = buf[i];
    if (c < 0x20 || c === 0x7f) return undefined;
    if (c >= 0x80 && t.tag !== UTF8_STRING) return undefined;
    // , + " \ < > ;
    if (c === 0x2c || c === 0x2b || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x3b)
      return undefined;
  }
  if (buf[t.start] === 0x23 || buf[t.start] === 0x20 || buf[t.end - 1] === 0x20) return undefined;
  const s = buf.toString("utf8", t.start, t.end);
  // invalid UTF-8 decodes to U+FFFD, which OpenSSL would not print the same way
  return t.tag === UTF8_STRING && Buffer.byteLength(s) !== t.end - t.start ? undefined : s;
}

/** A Name as Node prints it (RDNs in DER order, multi-valued ones joined by " + "), joined by ", ". */
function nameText(buf: Buffer, name: Tlv): string | undefined {
  if (name.tag !== SEQUENCE) return undefined;
  const rdns = children(buf, name);
  if (!rdns?.length) return undefined;
  const parts: string[] = [];
  for (const rdn of rdns) {
    if (rdn.tag !== SET) return undefined;
    const atvs = children(buf, rdn);
    if (!atvs?.length) return undefined;
    const values: string[] = [];
    for (const atv of atvs) {
      if (atv.tag !== SEQUENCE) return undefined;
      const typeAndValue = children(buf, atv);
      if (typeAndValue?.length !== 2) return undefined;
      const type = oidText(buf, typeAndValue[0]);
      const label = type && ATTRIBUTE_NAMES[type];
      const value = label && plainString(buf, typeAndValue[1]);
      if (!value) return undefined;
      values.push(`${label}=${value}`);
    }
    parts.push(values.join(" + "));
  }
  return parts.join(", ");
}

function timeText(buf: Buffer, t: Tlv): string | undefined {
  const s = buf.toString("latin1", t.start, t.end);
  let m: RegExpExecArray | null;
  let year: number;
  if (t.tag === UTC_TIME && (m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s))) {
    const yy = Number(m[1]);
    year = yy < 50 ? 2000 + yy : 1900 + yy;
  } else if (t.tag === GENERALIZED_TIME && (m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s))) {
    year = Number(m[1]);
    if (year < 1950) return undefined;
  } else return undefined;
  const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6]].map(Number);
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // a day or hour out of range would roll over here; OpenSSL refuses it
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || d.getUTCHours() !== hour) return undefined;
  if (d.getUTCMinutes() !== minute || d.getUTCSeconds() !== second) return undefined;
  return d.toISOString();
}

/** A positive serial in minimal DER, as OpenSSL's BN_bn2hex prints it (upper case, whole bytes, no sign byte). */
function serialText(buf: Buffer, t: Tlv): string | undefined {
  if (t.tag !== INTEGER || t.end === t.start || buf[t.start] & 0x80) return undefined;
  // a zero byte that is not needed for the sign: OpenSSL refuses the certificate ("illegal padding")
  if (buf[t.start] === 0 && (t.end - t.start === 1 || !(buf[t.start + 1] & 0x80))) return undefined;
  const i = buf[t.start] === 0 ? t.start + 1 : t.start;
  return buf.toString("hex", i, t.end).toUpperCase();
}

/** IA5 text that Node prints without quoting a SAN: printable ASCII without  " \ , ' . */
function plainAltName(buf: Buffer, t: Tlv): string | undefined {
  for (let i = t.start; i < t.end; i++) {
    const c = buf[i];
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c || c === 0x2c || c === 0x27) return undefined;
  }
  return buf.toString("latin1", t.start, t.end);
}

function altNameText(buf: Buffer, t: Tlv): string | undefined {
  const prefix = { 0x81: "email:", 0x82: "DNS:", 0x86: "URI:" }[t.tag];
  if (prefix) {
    const v = plainAltName(buf, t);
    return v === undefined ? undefined : prefix + v;
  }
  if (t.tag !== 0x87) return undefined;
  if (t.end - t.start === 4)
    return `IP Address:${buf[t.start]}.${buf[t.start + 1]}.${buf[t.start + 2]}.${buf[t.start + 3]}`;
  if (t.end - t.start !== 16) return undefined;
  const groups: string[] = [];
  for (let i = t.start; i < t.end; i += 2) groups.push(buf.readUInt16BE(i).toString(16).toUpperCase());
  return `IP Address:${groups.join(":")}`;
}

/** The SANs of the extensions ([3] of the TBS); undefined if they cannot be read plainly. */
function sansOf(buf: Buffer, extensions: Tlv | undefined): string[] | undefined {
  if (!extensions) return [];
  const list = children(buf, extensions);
  if (list?.length !== 1 || list[0].tag !== SEQUENCE) return undefined;
  const exts = children(buf, list[0]);
  if (!exts) return undefined;
  let sans: string[] | undefined = [];
  let seen = false;
  for (const ext of exts) {
    const parts = ext.tag === SEQUENCE ? children(buf, ext) : undefined;
    if (!parts || parts.length < 2) return undefined;
    if (oidText(buf, parts[0]) !== SUBJECT_ALT_NAME) continue;
    // two SAN extensions: OpenSSL reports neither
    if (seen) return undefined;
    seen = true;
    const value = parts[parts.length - 1];
    if (value.tag !== OCTET_STRING) return undefined;
    const names = tlv(buf, value.start, value.end);
    if (!names || names.tag !== SEQUENCE || names.end !== value.end) return undefined;
    const items = children(buf, names);
    if (!items) return undefined;
    sans = [];
    for (const item of items) {
      const text = altNameText(buf, item);
      if (text === undefined) return undefined;
      sans.push(text);
    }
  }
  return sans;
}

/** The fields of a certificate of the plain shapes described at the top; undefined for anything else. */
export function readPlainCertificate(der: Buffer): X509Fields | undefined {
  const cert = tlv(der, 0, der.length);
  if (!cert || cert.tag !== SEQUENCE || cert.end !== der.length) return undefined;
  const top = children(der, cert);
  if (top?.length !== 3 || top[0].tag !== SEQUENCE) return undefined;
  const tbs = children(der, top[0]);
  if (!tbs) return undefined;
  let i = tbs[0]?.tag === 0xa0 ? 1 : 0;
  const [serial, , issuerName, validity, subjectName, spki] = tbs.slice(i, (i += 6));
  if (spki?.tag !== SEQUENCE || validity.tag !== SEQUENCE) return undefined;
  let extensions: Tlv | undefined;
  for (const rest of tbs.slice(i)) {
    if (rest.tag === 0xa3 && !extensions) extensions = rest;
    else if (rest.tag !== 0x81 && rest.tag !== 0x82) return undefined;
  }
  const times = children(der, validity);
  if (times?.length !== 2) return undefined;
  const serialNumber = serialText(der, serial);
  const issuer = nameText(der, issuerName);
  const subject = nameText(der, subjectName);
  const validFrom = timeText(der, times[0]);
  const validTo = timeText(der, times[1]);
  const sans = sansOf(der, extensions);
  if (!serialNumber || !issuer || !subject || !validFrom || !validTo || !sans) return undefined;
  const thumbprint = createHash("sha1").update(der).digest("hex");
  return { subject, issuer, sans, thumbprint, serialNumber, validFrom, validTo };
}

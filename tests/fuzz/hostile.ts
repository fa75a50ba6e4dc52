/**
 * fast-check arbitraries for hostile input: control characters, huge and deeply nested values, wrong types, extreme
 * dates and numbers, malformed percent-encoding, odd methods and content types, repeated parameters. Generic on
 * purpose: nothing here knows a route's schema, so a new route gets the same treatment.
 */
import fc from "fast-check";

const CONTROL = ["\u0000", "\u0001", "\u0007", "\t", "\n", "\r\n", "\u001b[31m", "\u007f", "\u0085"];

const FIXED = [
  "",
  " ",
  // whole numbers in every notation but decimal, and numbers past every bound
  "0x1E",
  "1e1",
  "0b11",
  "0o7",
  "-1",
  "-0",
  "3.5",
  "1e309",
  "NaN",
  "Infinity",
  "9007199254740993",
  "999999",
  "99999999999999999999",
  "00000000000000000001",
  // dates PostgreSQL and JavaScript read differently, or not at all
  "+275760-09-13",
  "-000001-01-01T00:00:00Z",
  "0000-01-01",
  "9999-12-31T23:59:59.999Z",
  "2024-02-30",
  "2024-13-45",
  "2026-01-31T25:61:00Z",
  "garbage",
  "0",
  // enum-ish and boolean-ish values
  "maybe",
  "TRUE",
  "on",
  "all",
  "full",
  "asc",
  "desc",
  "expired",
  // cron
  "* * * * * *",
  "*/1 * * * *",
  "0 0 31 2 *",
  // injection and traversal
  "' or 1=1 --",
  "<script>alert(1)</script>",
  "../../etc/passwd",
  "%00",
  "${7*7}",
  "{{7*7}}",
  "$1",
  "$$",
  "$Q1",
  "__proto__",
  "constructor",
  "not-a-guid",
  "00000000-0000-0000-0000-000000000000",
  "/\\evil.example",
  "//evil.example",
  "javascript:alert(1)",
  "=cmd|' /C calc'!A0",
  // Unicode edge cases
  "\uD800",
  "\uDFFF",
  "\uFFFE",
  "\u202Eevil",
  "🙂".repeat(50),
  "e\u0301",
];

/** Any text a client could send, weighted toward the hostile. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...FIXED), weight: 4 },
  { arbitrary: fc.string({ maxLength: 20 }), weight: 1 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 20 }), weight: 1 },
  {
    arbitrary: fc
      .tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...CONTROL), fc.string({ maxLength: 6 }))
      .map(([a, c, b]) => `${a}${c}${b}`),
    weight: 3,
  },
  { arbitrary: fc.constantFrom(101, 201, 501, 1001, 5000).map((n) => "x".repeat(n)), weight: 1 },
);

/** Numbers a JSON body can carry that a schema might not expect. */
const extremeNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 0.5, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, -(2 ** 53)),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** A value nested `depth` levels deep, arrays and objects alternating. */
export function nested(depth: number, leaf: unknown = "x"): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? { a: v } : [v];
  return v;
}

/** Any JSON value in a field: wrong types, huge lists, deep nesting, hostile text. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hostileText, weight: 5 },
  { arbitrary: extremeNumber, weight: 2 },
  { arbitrary: fc.constantFrom(true, false, null), weight: 1 },
  { arbitrary: fc.array(hostileText, { maxLength: 5 }), weight: 2 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 },
  { arbitrary: fc.constantFrom(50, 1000).map((d) => nested(d)), weight: 1 },
  { arbitrary: fc.constantFrom(1001, 20_000).map((n) => Array.from({ length: n }, (_, i) => `v${i}`)), weight: 1 },
);

/** Field names the console's schemas read, and a few no schema reads. */
export const FIELD_NAMES = [
  "q",
  "page",
  "pageSize",
  "sort",
  "dir",
  "status",
  "type",
  "vault",
  "subscription",
  "tag",
  "from",
  "to",
  "action",
  "actor",
  "outcome",
  "kind",
  "expiringDays",
  "includeRemoved",
  "removed",
  "callbackUrl",
  "error",
  "id",
  "mode",
  "scope",
  "subscriptions",
  "vaults",
  "scanId",
  "sessionId",
  "warningDays",
  "criticalDays",
  "enabled",
  "cron",
  "allowList",
  "key",
  "value",
  "merge",
  "batchSize",
  "csrfToken",
  "json",
];

export const fieldName = fc.oneof(
  { arbitrary: fc.constantFrom(...FIELD_NAMES), weight: 6 },
  { arbitrary: hostileText.filter((s) => s.length < 300), weight: 1 },
);

/** Percent-encodes every byte but the unreserved ones (lone surrogates become U+FFFD, as a browser would send). */
export function pct(s: string): string {
  return Array.from(Buffer.from(s, "utf8"))
    .map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16)}`))
    .join("");
}

/** Percent-encoding a server must refuse or read carefully, inserted as is. */
const MALFORMED = ["%", "%Z", "%ZZ", "%E0%A4%A", "%ED%A0%80", "%C0%AF", "%FF", "%00", "%2500", "+", "%2e%2e", "%2F"];

export const encodedValue = fc.oneof(
  { arbitrary: hostileText.map(pct), weight: 5 },
  { arbitrary: fc.constantFrom(...MALFORMED), weight: 2 },
  { arbitrary: fc.tuple(hostileText, fc.constantFrom(...MALFORMED)).map(([a, m]) => pct(a) + m), weight: 1 },
);

/** A query string: hostile values, repeated keys, empty pairs, odd separators. */
export const queryString = fc
  .tuple(
    fc.array(fc.tuple(fieldName.map(pct), encodedValue), { maxLength: 6 }),
    fc.boolean(),
    fc.constantFrom("&", "&&", ";", "&=&"),
  )
  .map(([pairs, repeat, sep]) => {
    const all = repeat && pairs.length ? [...pairs, pairs[0]] : pairs;
    return all.length ? `?${all.map(([k, v]) => `${k}=${v}`).join(sep)}` : "";
  });

/** A value for a dynamic path segment: valid-looking ids, known ids, hostile text, broken encodings, huge ids. */
export function segment(knownIds: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...knownIds).map(pct), weight: 2 },
    { arbitrary: fc.uuid(), weight: 1 },
    { arbitrary: hostileText.filter((s) => s.length > 0).map(pct), weight: 4 },
    { arbitrary: fc.constantFrom(...MALFORMED, ".", "..", "%2e", "x".repeat(201), "x".repeat(1001)), weight: 2 },
  );
}

export const catchAll = (knownIds: string[]) =>
  fc
    .array(
      fc.oneof(
        fc.constantFrom("signin", "callback", "session", "csrf", "providers", "signout", "error", "_log", "azure-ad"),
        segment(knownIds),
      ),
      { minLength: 1, maxLength: 3 },
    )
    .map((parts) => parts.join("/"));

export const method = fc.oneof(
  { arbitrary: fc.constantFrom("GET", "HEAD"), weight: 4 },
  { arbitrary: fc.constantFrom("POST", "PUT", "PATCH", "DELETE"), weight: 3 },
  { arbitrary: fc.constantFrom("OPTIONS", "TRACE", "TRACK", "PROPFIND", "BREW", "M-SEARCH"), weight: 1 },
);

export const contentType = fc.constantFrom(
  undefined,
  "application/json",
  "application/json; charset=utf-8",
  "Application/JSON",
  "application/json; charset=utf-16",
  "text/plain;charset=UTF-8",
  "application/xml",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "multipart/form-data; boundary=zzz",
  "*/*",
  "a/b/c;;;=",
);

/** An object a form or a JSON body might carry: known field names, hostile values. */
export const hostileObject: fc.Arbitrary<Record<string, unknown>> = fc
  .array(fc.tuple(fieldName, hostileValue), { maxLength: 6 })
  .map((pairs) => Object.fromEntries(pairs));

/** A request body as text: JSON objects and non-objects, malformed JSON, forms, deep nesting, prototype keys. */
export const body = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 2 },
  { arbitrary: hostileObject.map((o) => JSON.stringify(o)), weight: 6 },
  { arbitrary: hostileValue.map((v) => JSON.stringify(v) ?? "null"), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      "{",
      "[1,",
      '{"mode":',
      "\u0000",
      "<mode>full</mode>",
      "mode=full&scope=%00",
      '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}',
      '{"mode":"full","mode":"delta"}',
      `${"[".repeat(20_000)}${"]".repeat(20_000)}`,
      `{"a":${"[".repeat(20_000)}${"]".repeat(20_000)}}`,
      "x".repeat(1_100_000),
    ),
    weight: 2,
  },
);

/** Sometimes a cookie the console or next-auth reads, with a hostile (percent-encoded) value. */
export const hostileCookie = fc.option(
  fc
    .tuple(
      fc.constantFrom(
        "next-auth.callback-url",
        "next-auth.csrf-token",
        "next-auth.state",
        "next-auth.pkce.code_verifier",
        "cc.session",
        "cc.signin-client",
        "cc-theme",
      ),
      encodedValue,
    )
    .map(([k, v]) => `${k}=${v}`),
  { freq: 4 },
);

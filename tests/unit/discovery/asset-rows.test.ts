import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { CertificateDetail, KvItem } from "@/lib/cloud";
import {
  applyCertificateDetail,
  applyCertificatePolicy,
  applyKeyDetail,
  applyVersions,
  deniedLabels,
  fingerprint,
  listedRow,
  sameAsStored,
  sameJson,
  settleDetail,
  splitUnchanged,
  stable,
  type StoredAsset,
} from "@/lib/discovery/asset-rows";

const vault = {
  id: "/subscriptions/s1/resourcegroups/rg/providers/microsoft.keyvault/vaults/kv-a",
  subscriptionId: "s1",
};
const updated = new Date("2026-05-01T10:00:00.000Z");

const item = (over: Partial<KvItem> = {}): KvItem => ({
  type: "certificate",
  name: "tls-web",
  objectId: "https://kv-a.vault.azure.net/certificates/tls-web",
  version: "v2",
  enabled: true,
  expiresOn: new Date("2026-09-01T00:00:00.000Z"),
  createdOn: new Date("2026-01-01T00:00:00.000Z"),
  updatedOn: updated,
  managed: false,
  recoveryLevel: "Recoverable",
  tags: { env: "prod", team: "web" },
  x5t: "ab12",
  ...over,
});

/** The stored row a scan of `i` (with `detail`) would have written. */
function stored(i: KvItem, over: Partial<StoredAsset> = {}): StoredAsset {
  const row = listedRow(vault, i, undefined, fingerprint(i), "healthy");
  return {
    id: "a1",
    firstSeenAt: new Date(0),
    lastSeenAt: new Date(0),
    removedAt: null,
    ...row,
    currentVersion: row.currentVersion ?? null,
    notBefore: row.notBefore ?? null,
    expiresOn: row.expiresOn ?? null,
    createdOn: row.createdOn ?? null,
    updatedOn: row.updatedOn ?? null,
    contentType: row.contentType ?? null,
    recoveryLevel: row.recoveryLevel ?? null,
    versionCount: 3,
    tags: row.tags ?? {},
    detail: { subject: "CN=web", policy: { issuerName: "Self" } },
    detailFingerprint: fingerprint(i),
    ...over,
  } as StoredAsset;
}

describe("fingerprint", () => {
  test("changes with the updated time, the version and the thumbprint, and only with them", () => {
    const base = fingerprint(item());
    expect(fingerprint(item({ enabled: false, tags: {} }))).toBe(base);
    expect(fingerprint(item({ updatedOn: new Date(updated.getTime() + 1000) }))).not.toBe(base);
    expect(fingerprint(item({ version: "v3" }))).not.toBe(base);
    expect(fingerprint(item({ x5t: "cd34" }))).not.toBe(base);
  });
  test("missing parts are empty, not 'undefined'", () => {
    expect(fingerprint(item({ updatedOn: undefined, version: undefined, x5t: undefined }))).toBe("||");
  });
});

describe("stable", () => {
  test("ignores key order and undefined members, keeps array order", () => {
    expect(stable({ b: 1, a: { d: [1, 2], c: null } })).toBe(stable({ a: { c: null, d: [1, 2] }, b: 1 }));
    expect(stable({ a: 1, b: undefined })).toBe(stable({ a: 1 }));
    expect(stable([1, 2])).not.toBe(stable([2, 1]));
    expect(stable({ a: "1" })).not.toBe(stable({ a: 1 }));
    expect(stable(undefined)).toBe("null");
  });
});

describe("sameJson", () => {
  // a detail as the scan builds it: the stored one copied shallowly, some members replaced, some kept by reference
  const member = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined));
  const pair = fc
    .dictionary(fc.constantFrom("a", "b", "versions", "policy", "x y", '"q"'), member, { maxKeys: 5 })
    .chain((a) =>
      fc
        .record({
          edits: fc.array(
            fc.tuple(
              fc.constantFrom("a", "b", "versions", "policy", "x y", '"q"', "new"),
              fc.oneof(
                fc.constant<"keep">("keep"),
                fc.constant<"clone">("clone"),
                fc.constant<"drop">("drop"),
                member.map((v) => ({ v })),
              ),
            ),
            { maxLength: 4 },
          ),
        })
        .map(({ edits }) => {
          const b: Record<string, unknown> = { ...a };
          for (const [k, e] of edits)
            if (e === "clone") b[k] = structuredClone(a[k]);
            else if (e === "drop") delete b[k];
            else if (e !== "keep") b[k] = e.v;
          return [a as Record<string, unknown>, b] as const;
        }),
    );

  test("says what comparing the canonical JSON says, for shared, cloned, replaced, undefined and missing members", () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        expect(sameJson(a, b)).toBe(stable(a) === stable(b));
        expect(sameJson(b, a)).toBe(stable(a) === stable(b));
      }),
      { numRuns: 2000 },
    );
  });

  test("a member present on one side only, or undefined on one side, differs unless both leave it out", () => {
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1, b: null }, { a: 1 })).toBe(false);
    expect(sameJson({ a: 1 }, { b: 1 })).toBe(false);
    const versions = [{ version: "v1" }];
    expect(sameJson({ versions, p: { x: 1, y: 2 } }, { versions, p: { y: 2, x: 1 } })).toBe(true);
  });
});

describe("listedRow", () => {
  test("takes the list's facts and carries over what only detail calls tell", () => {
    const prev = stored(item());
    const row = listedRow(vault, item({ version: undefined }), prev, "fp", "warning");
    expect(row).toMatchObject({
      vaultId: vault.id,
      subscriptionId: "s1",
      type: "certificate",
      name: "tls-web",
      currentVersion: "v2",
      versionCount: 3,
      status: "warning",
      detailFingerprint: "fp",
      notBefore: null,
      contentType: null,
    });
    expect(row.detail).toEqual(prev.detail);
    // a copy: completing the row never changes the stored row
    row.detail.thumbprint = "x";
    expect(prev.detail).not.toHaveProperty("thumbprint");
  });
  test("a new object starts with an empty detail, no version count, the listed version", () => {
    const row = listedRow(vault, item({ version: "v9" }), undefined, "fp", "healthy");
    expect(row).toMatchObject({ currentVersion: "v9", versionCount: null, detail: {} });
  });
});

describe("detail merge", () => {
  const fresh = () => listedRow(vault, item(), stored(item()), "fp", "healthy");

  test("the certificate GET replaces the detail; its thumbprint falls back to the list's", () => {
    const row = fresh();
    applyCertificateDetail(row, { version: "v3", subject: "CN=new" }, "ab12");
    expect(row.detail).toEqual({ subject: "CN=new", thumbprint: "ab12" });
    expect(row.currentVersion).toBe("v3");
    const withOwn = fresh();
    applyCertificateDetail(withOwn, { thumbprint: "ff00" }, "ab12");
    expect(withOwn.detail.thumbprint).toBe("ff00");
    expect(withOwn.currentVersion).toBe("v2");
  });
  test("without a certificate GET the stored detail stays and gains the list's thumbprint", () => {
    const row = fresh();
    applyCertificateDetail(row, undefined, "ab12");
    expect(row.detail).toEqual({ subject: "CN=web", policy: { issuerName: "Self" }, thumbprint: "ab12" });
    const noThumb = fresh();
    applyCertificateDetail(noThumb, undefined, undefined);
    expect(noThumb.detail).not.toHaveProperty("thumbprint");
  });
  test("a policy read alone replaces only the policy", () => {
    const row = fresh();
    applyCertificatePolicy(row, { issuerName: "DigiCert" });
    expect(row.detail).toEqual({ subject: "CN=web", policy: { issuerName: "DigiCert" } });
    applyCertificatePolicy(row, undefined);
    expect(row.detail.policy).toEqual({ issuerName: "DigiCert" });
  });
  test("key parameters merge into the detail, the rotation policy replaces the stored one", () => {
    const row = fresh();
    row.detail = { kty: "RSA", keySize: 2048, rotationPolicy: { configured: false, autoRotate: false }, note: 1 };
    applyKeyDetail(row, { version: "k2", kty: "RSA-HSM", keySize: 3072 }, { configured: true, autoRotate: true });
    expect(row.detail).toEqual({
      kty: "RSA-HSM",
      keySize: 3072,
      rotationPolicy: { configured: true, autoRotate: true },
      note: 1,
    });
    expect(row.currentVersion).toBe("k2");
    applyKeyDetail(row, undefined, undefined);
    expect(row.detail.kty).toBe("RSA-HSM");
  });
  test("versions count, keep the newest versions' metadata and name the current version only when nothing else did", () => {
    const row = fresh();
    const v7 = { id: "v7", created: 7, updated: 7, enabled: true, notBefore: null, expires: 100 };
    applyVersions(row, { count: 7, latest: "v7", newest: [v7] });
    expect(row).toMatchObject({ versionCount: 7, currentVersion: "v2", detail: { versions: [v7] } });
    const unnamed = listedRow(vault, item({ version: undefined }), undefined, "fp", "healthy");
    applyVersions(unnamed, { count: 1, latest: "v1", newest: [] });
    expect(unnamed).toMatchObject({ versionCount: 1, currentVersion: "v1" });
    applyVersions(unnamed, undefined);
    expect(unnamed.versionCount).toBe(1);
  });
  test("a certificate GET keeps the last known versions (the listing may fail)", () => {
    const row = fresh();
    row.detail.versions = [{ id: "v1" }];
    applyCertificateDetail(row, { version: "v2", thumbprint: "ab" } as CertificateDetail);
    expect(row.detail.versions).toEqual([{ id: "v1" }]);
  });
  test("a transient failure clears the fingerprint; denials are remembered, sorted", () => {
    const row = fresh();
    settleDetail(row, false, new Set());
    expect(row.detailFingerprint).toBe("fp");
    expect(row.detail).not.toHaveProperty("deniedDetail");
    settleDetail(row, true, new Set(["key get", "certificate get"]));
    expect(row.detailFingerprint).toBeNull();
    expect(row.detail.deniedDetail).toEqual(["certificate get", "key get"]);
    expect(deniedLabels(stored(item(), { detail: row.detail }))).toEqual(["certificate get", "key get"]);
    expect(deniedLabels(undefined)).toEqual([]);
  });
});

describe("sameAsStored", () => {
  const i = item();
  const rowLike = (prev: StoredAsset) => {
    const r = listedRow(vault, i, prev, fingerprint(i), "healthy");
    return r;
  };

  test("a row rebuilt from the same facts equals the stored one, whatever the key order of tags and detail", () => {
    const prev = stored(i, { tags: { team: "web", env: "prod" } });
    const row = rowLike(prev);
    row.detail = { policy: { issuerName: "Self" }, subject: "CN=web" };
    expect(sameAsStored(row, prev)).toBe(true);
  });
  test("any changed fact makes it differ", () => {
    const prev = stored(i);
    const changes: [string, (r: ReturnType<typeof rowLike>) => void][] = [
      ["enabled", (r) => (r.enabled = false)],
      ["expiry", (r) => (r.expiresOn = new Date(0))],
      ["status", (r) => (r.status = "expired")],
      ["version count", (r) => (r.versionCount = 4)],
      ["current version", (r) => (r.currentVersion = "v3")],
      ["fingerprint", (r) => (r.detailFingerprint = null)],
      ["tags", (r) => (r.tags = { env: "dev", team: "web" })],
      ["detail", (r) => (r.detail = { subject: "CN=other", policy: { issuerName: "Self" } })],
      ["subscription", (r) => (r.subscriptionId = "s2")],
    ];
    for (const [what, change] of changes) {
      const row = rowLike(prev);
      change(row);
      expect(sameAsStored(row, prev), what).toBe(false);
    }
  });
  test("dates compare by time, absent optional facts equal stored nulls", () => {
    const prev = stored(i);
    const row = rowLike(prev);
    row.expiresOn = new Date(i.expiresOn!.getTime());
    row.contentType = undefined;
    row.notBefore = undefined;
    expect(sameAsStored(row, prev)).toBe(true);
  });
  test("detailIsPrev skips the detail comparison (an untouched copy of the stored detail)", () => {
    const prev = stored(i);
    const row = rowLike(prev);
    row.detail = { different: true };
    expect(sameAsStored(row, prev)).toBe(false);
    expect(sameAsStored(row, prev, true)).toBe(true);
  });
});

describe("splitUnchanged", () => {
  test("new and changed rows are written, identical ones only named", () => {
    const a = item({ name: "a" });
    const b = item({ name: "b" });
    const c = item({ name: "c" });
    const prevA = stored(a);
    const prevB = stored(b);
    const storedRows = new Map([
      ["certificate/a", prevA],
      ["certificate/b", prevB],
    ]);
    const rowA = listedRow(vault, a, prevA, fingerprint(a), "healthy");
    const rowB = listedRow(vault, b, prevB, fingerprint(b), "warning");
    const rowC = listedRow(vault, c, undefined, fingerprint(c), "healthy");
    const { changed, unchanged } = splitUnchanged([rowA, rowB, rowC], storedRows, new Set());
    expect(unchanged).toEqual(["certificate/a"]);
    expect(changed.map((r) => r.name)).toEqual(["b", "c"]);
    // with a copied detail the (expensive) detail comparison is skipped, even if it would differ
    rowA.detail = { other: true };
    expect(splitUnchanged([rowA], storedRows, new Set(["certificate/a"])).unchanged).toEqual(["certificate/a"]);
    expect(splitUnchanged([rowA], storedRows, new Set()).changed).toEqual([rowA]);
  });
});

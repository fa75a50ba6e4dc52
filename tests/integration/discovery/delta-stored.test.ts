// deltaStored (the database's comparison of a delta's listing with the stored rows) against the scanner's own
// comparison (listedRow + sameAsStored): for every listed fact changed on its own, both must agree, on both engines.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { KvItem } from "@/lib/cloud";
import { getDb } from "@/lib/db/client";
import { vaults } from "@/lib/db/schema";
import { fingerprint, listedRow, sameAsStored, type StoredAsset } from "@/lib/discovery/asset-rows";
import { deltaStored } from "@/lib/discovery/delta-stored";
import { upsertAssets } from "@/lib/discovery/persist";
import { computeExpiryStatus, type ExpiryStatus } from "@/lib/expiry-status";
import { setupTestDb, type TestDb } from "../../helpers/test-db";

const NOW = new Date("2026-12-01T00:00:00Z");
const THRESHOLDS = { warningDays: 30, criticalDays: 7 };
const vault = {
  id: "/subscriptions/s1/resourcegroups/rg/providers/microsoft.keyvault/vaults/delta",
  subscriptionId: "s1",
};
const statusOf = (i: KvItem): ExpiryStatus => computeExpiryStatus(i.expiresOn ?? null, NOW, THRESHOLDS);

const base: KvItem = {
  type: "certificate",
  name: "web",
  objectId: "https://delta.vault.azure.net/certificates/web",
  version: "v3",
  enabled: true,
  notBefore: new Date("2026-01-01T00:00:00.123Z"),
  expiresOn: new Date("2027-06-01T00:00:00.456Z"),
  createdOn: new Date("2026-01-01T00:00:00Z"),
  updatedOn: new Date("2026-02-01T00:00:00.789Z"),
  contentType: "application/x-pkcs12",
  managed: false,
  recoveryLevel: "Recoverable",
  tags: { team: "web", env: "prod" },
  x5t: "ab12",
};

// each listed fact changed on its own; `same` is what the scanner's comparison says of it
const VARIANTS: [string, Partial<KvItem>, boolean][] = [
  ["nothing changed", {}, true],
  ["tags in another order", { tags: { env: "prod", team: "web" } }, true],
  ["no version in the list (another fingerprint)", { version: undefined }, false],
  ["a tag value", { tags: { team: "web", env: "dev" } }, false],
  ["a tag more", { tags: { team: "web", env: "prod", x: "" } }, false],
  ["disabled", { enabled: false }, false],
  ["expiry one millisecond later", { expiresOn: new Date("2027-06-01T00:00:00.457Z") }, false],
  ["expiry gone", { expiresOn: undefined }, false],
  ["expiry soon (another status)", { expiresOn: new Date("2026-12-05T00:00:00.456Z") }, false],
  ["not-before gone", { notBefore: undefined }, false],
  ["created time", { createdOn: new Date("2026-01-01T00:00:01Z") }, false],
  ["updated time (another fingerprint)", { updatedOn: new Date("2026-02-01T00:00:01Z") }, false],
  ["another version", { version: "v4" }, false],
  ["another thumbprint", { x5t: "cd34" }, false],
  ["content type empty", { contentType: "" }, false],
  ["content type gone", { contentType: undefined }, false],
  ["managed", { managed: true }, false],
  ["recovery level", { recoveryLevel: "Purgeable" }, false],
  ["object id", { objectId: "https://delta.vault.azure.net/certificates/web2" }, false],
];

let testDb: TestDb;
beforeAll(async () => {
  testDb = await setupTestDb();
  const db = await getDb();
  await db
    .insert(vaults)
    .values({ id: vault.id, subscriptionId: vault.subscriptionId, resourceGroup: "rg", name: "delta" });
  // one stored object per variant (named after it), stored from the base listing with a detail read earlier
  const stored = VARIANTS.map((_, n) => {
    const item = { ...base, name: `o${n}` };
    const row = listedRow(vault, item, undefined, fingerprint(item), statusOf(item));
    row.versionCount = 3;
    row.detail = { thumbprint: "ab12", versions: [{ version: "v3" }], deniedDetail: ["certificate get"] };
    return row;
  });
  await upsertAssets(db, stored);
});
afterAll(async () => {
  await testDb?.cleanup();
});

describe("deltaStored", () => {
  test("agrees with the scanner's comparison for every listed fact changed on its own", async () => {
    const db = await getDb();
    const items = VARIANTS.map(([, change], n) => ({ ...base, name: `o${n}`, ...change }));
    const { same, stored } = await deltaStored(db, vault, items, statusOf);

    // what the scanner concludes from the full stored rows (read in full here for the comparison)
    const full = await deltaStored(db, { ...vault, subscriptionId: "another" }, items, statusOf);
    expect(full.same.size).toBe(0);
    const scanner = (item: KvItem, prev: StoredAsset) => {
      const fp = fingerprint(item);
      return (
        prev.detailFingerprint === fp && sameAsStored(listedRow(vault, item, prev, fp, statusOf(item)), prev, true)
      );
    };
    VARIANTS.forEach(([label, , expected], n) => {
      const key = `certificate/o${n}`;
      expect(scanner(items[n], full.stored.get(key)!), `${label}: the scanner's comparison`).toBe(expected);
      expect(same.has(key), `${label}: the database's comparison`).toBe(expected);
      expect(stored.has(key), `${label}: stored row returned`).toBe(!expected);
    });
    // an unchanged object brings its denied labels; a changed one its whole row, detail included
    expect(same.get("certificate/o0")).toEqual(["certificate get"]);
    expect(stored.get("certificate/o3")!.detail).toMatchObject({ thumbprint: "ab12", versions: [{ version: "v3" }] });
    expect(stored.get("certificate/o3")!.versionCount).toBe(3);
  });

  test("a new object is neither same nor stored; an empty listing asks nothing", async () => {
    const db = await getDb();
    const { same, stored } = await deltaStored(db, vault, [{ ...base, name: "new" }], statusOf);
    expect([same.size, stored.size]).toEqual([0, 0]);
    expect(await deltaStored(db, vault, [], statusOf)).toEqual({ same: new Map(), stored: new Map() });
  });
});

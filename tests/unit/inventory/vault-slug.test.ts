import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { vaultHref, vaultIdFromSlug, vaultInventoryHref, vaultSlug } from "@/lib/inventory/ids";

describe("vaultSlug", () => {
  it("is the base64url of the lower-case id, as Buffer writes it (the rows build it in the browser, without Buffer)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (id) => {
        expect(vaultSlug(id)).toBe(Buffer.from(id.toLowerCase(), "utf8").toString("base64url"));
      }),
      { numRuns: 2000 },
    );
  });

  it("answers a repeated id from its cache with the same slug, and keeps answering past the cache's bound", () => {
    const ids = Array.from({ length: 12_000 }, (_, i) => `/subscriptions/s/vaults/kv-${i}`);
    const expected = (id: string) => Buffer.from(id, "utf8").toString("base64url");
    for (const id of ids) expect(vaultSlug(id)).toBe(expected(id));
    for (const id of [ids[0], ids[11_999], ids[5], ids[11_999]]) expect(vaultSlug(id)).toBe(expected(id));
  });

  it("round-trips an ARM id through vaultIdFromSlug", () => {
    const id = "/subscriptions/0000-1/resourceGroups/RG-Ä/providers/Microsoft.KeyVault/vaults/kv-a";
    expect(vaultIdFromSlug(vaultSlug(id))).toBe(id.toLowerCase());
  });

  it("links the vault page by its slug", () => {
    expect(vaultHref("/subscriptions/S/vaults/KV")).toBe(
      `/vaults/${Buffer.from("/subscriptions/s/vaults/kv").toString("base64url")}`,
    );
  });

  it("links the inventory filtered to a vault with the id encoded", () => {
    expect(vaultInventoryHref("/subscriptions/s/vaults/kv a")).toBe(
      "/inventory?vault=%2Fsubscriptions%2Fs%2Fvaults%2Fkv%20a",
    );
  });
});

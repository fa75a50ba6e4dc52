import { describe, expect, it } from "vitest";
import { listHref } from "@/app/_components/list-href";

describe("listHref", () => {
  it("keeps the current params and replaces the overridden ones", () => {
    expect(listHref("/vaults", { q: "kv", access: "firewall" }, { access: "ok", page: 3 })).toBe(
      "/vaults?q=kv&access=ok&page=3",
    );
  });

  it("removes a param overridden with undefined and drops empty values", () => {
    expect(listHref("/inventory", { tag: "env=prod", q: "", type: "key" }, { tag: undefined })).toBe(
      "/inventory?type=key",
    );
  });

  it("leaves page 1 implicit and returns the bare path when nothing is left", () => {
    expect(listHref("/audit", {}, { page: 1 })).toBe("/audit");
    expect(listHref("/audit", { page: "1" })).toBe("/audit");
  });

  it("encodes values", () => {
    expect(listHref("/inventory", { vault: "/subscriptions/a b/vaults/kv&1" })).toBe(
      "/inventory?vault=%2Fsubscriptions%2Fa+b%2Fvaults%2Fkv%261",
    );
  });
});

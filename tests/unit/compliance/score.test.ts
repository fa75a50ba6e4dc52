/** Score arithmetic: severity weights, each rule's share independent of its object count, roll-ups, frameworks. */
import { describe, expect, test } from "vitest";
import { frameworkById } from "@/lib/compliance/frameworks";
import type { OutcomeStatus } from "@/lib/compliance/rule";
import { frameworkScore, locate, scoreOf, scores, tally, type LocatedFinding } from "@/lib/compliance/score";
import { evaluate } from "@/lib/compliance/catalogue";
import { app, finding, now, secret, vault } from "./fixtures";

const many = (ruleId: string, n: number, status: OutcomeStatus, o: Partial<LocatedFinding> = {}, prefix = "s") =>
  Array.from({ length: n }, (_, i) => finding(ruleId, `${prefix}${i}`, status, o));

describe("score formula", () => {
  test("one object: weighted share of passing rules (high 5, low 1); unknown and n/a left out", () => {
    const f = [
      finding("secret-expiration-set", "s", "fail"),
      finding("secret-content-type", "s", "pass"),
      finding("secret-expiry-days", "s", "notApplicable"),
      finding("secret-active-period", "s", "unknown"),
    ];
    expect(scoreOf(tally(f))).toBeCloseTo((100 * 1) / 6, 10);
  });
  test("nothing evaluated has no score (not 100)", () => {
    expect(scoreOf(tally([finding("secret-expiry-days", "s", "notApplicable")]))).toBeNull();
    expect(scoreOf(tally([]))).toBeNull();
  });
  test("severity weights: critical 10, high 5, medium 3, low 1", () => {
    const pair = (failing: string) =>
      scoreOf(tally([finding(failing, "v", "fail"), finding("secret-content-type", "s", "pass")]));
    expect(pair("vault-soft-delete")).toBeCloseTo(100 / 11, 10);
    expect(pair("vault-rbac")).toBeCloseTo(100 / 6, 10);
    expect(pair("secret-expiry-days")).toBeCloseTo(100 / 4, 10);
    expect(pair("key-allowed-types")).toBeCloseTo(100 / 2, 10);
  });
  test("each rule weighs the same whatever its object count: one vault is not drowned by 1000 secrets", () => {
    const f = [
      finding("vault-purge-protection", "kv1", "fail", { scope: "vault" }),
      ...many("secret-expiration-set", 999, "pass"),
      finding("secret-expiration-set", "x", "fail"),
    ];
    expect(scoreOf(tally(f))).toBeCloseTo((100 * (5 * 0 + (5 * 999) / 1000)) / 10, 10);
  });
  test("waived findings leave the score", () => {
    const f = [
      finding("secret-expiration-set", "a", "fail", { waived: true }),
      finding("secret-content-type", "a", "pass"),
    ];
    expect(scoreOf(tally(f))).toBe(100);
  });
});

describe("roll-ups", () => {
  test("object → vault → subscription → tenant; apps count for the tenant only", () => {
    const f = [
      ...locate(vault(), evaluate(vault({ enablePurgeProtection: false }), now)),
      ...locate(secret({ id: "a" }), evaluate(secret({ id: "a", expiresOn: null }), now)),
      ...locate(app(), evaluate(app({ ownerCount: 0 }), now)),
    ];
    const s = scores(f);
    expect(s.byObject.get("a")).toBeLessThan(100);
    expect(s.byVault.size).toBe(1);
    expect(s.bySubscription.get("s1")).toBe(s.byVault.get(vault().id));
    expect(s.tenant).not.toBe(s.bySubscription.get("s1"));
    expect(s.tenant).toBeCloseTo(scoreOf(tally(f))!, 10);
    expect(f.filter((x) => x.scope === "app").every((x) => x.vaultId === null && x.subscriptionId === null)).toBe(true);
  });
});

describe("framework scores", () => {
  test("CIS: controls pass/fail/not assessed; customer responsibility listed apart", () => {
    const cis = frameworkById("cis-azure-6.0")!;
    const f = [
      finding("vault-purge-protection", "kv1", "pass", { scope: "vault" }),
      finding("vault-soft-delete", "kv1", "pass", { scope: "vault" }),
      finding("vault-rbac", "kv1", "fail", { scope: "vault" }),
      ...many("secret-expiration-set", 3, "pass"),
      finding("secret-expiration-set", "x", "fail"),
      finding("secret-content-type", "x", "fail"),
    ];
    const r = frameworkScore(f, cis);
    const c = (id: string) => r.controls.find((x) => x.id === id)!;
    expect(c("8.3.5")).toMatchObject({ status: "pass", score: 100 });
    expect(c("8.3.6")).toMatchObject({ status: "fail", score: 0, failing: 1 });
    expect(c("8.3.3")).toMatchObject({ status: "fail", score: 75, failing: 1 });
    expect(c("8.3.1").status).toBe("notAssessed");
    expect(c("8.3.10").status).toBe("customer");
    // secret-content-type is not a CIS rule; the rest: critical 10 ×1, high 5 ×1 (purge), 5 ×0 (rbac), 5 × 3/4
    expect(r.score).toBeCloseTo((100 * (10 + 5 + 0 + 5 * 0.75)) / 25, 10);
  });
});

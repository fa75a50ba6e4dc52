/** "Explain the change": grouped sentences whose points add up to the score change. */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { explainChange, formatPoints } from "@/lib/compliance/explain";
import type { OutcomeStatus } from "@/lib/compliance/rule";
import type { LocatedFinding } from "@/lib/compliance/score";
import { finding } from "./fixtures";

const vaultRules = (status: OutcomeStatus = "pass") =>
  ["vault-soft-delete", "vault-purge-protection", "vault-rbac"].map((r) =>
    finding(r, "kv1", status, { scope: "vault", objectName: "kv-prod" }),
  );
const secrets = (n: number, failing: number, prefix = "s", vault = { vaultId: "kv1", vaultName: "kv-prod" }) =>
  Array.from({ length: n }, (_, i) =>
    finding("secret-expiration-set", `${prefix}${i}`, i < failing ? "fail" : "pass", vault),
  );
const sum = (xs: { points: number }[]) => xs.reduce((s, x) => s + x.points, 0);

describe("explainChange", () => {
  test("−4: 12 secrets in kv-prod lost their expiry date", () => {
    // rules in scope: soft delete 10 + purge 5 + rbac 5 + secret expiry set 5 = 25; 12 of 60 secrets: 100 × 5/25 × 12/60
    const r = explainChange([...vaultRules(), ...secrets(60, 0)], [...vaultRules(), ...secrets(60, 12)]);
    expect(r.delta).toBeCloseTo(-4, 10);
    expect(r.explanations.map((e) => e.text)).toEqual(["\u22124: 12 secrets in kv-prod lost their expiry date"]);
  });

  test("groups by vault and direction; lines add up exactly when only states change", () => {
    const other = { vaultId: "kv2", vaultName: "kv-dev" };
    const before = [...vaultRules(), ...secrets(40, 10), ...secrets(20, 0, "d", other)];
    const after = [...vaultRules(), ...secrets(40, 5), ...secrets(20, 3, "d", other)];
    after[3 + 7] = finding("secret-expiration-set", "s7", "fail"); // s7 stays failing: 4 of s0..s9 fixed
    const r = explainChange(before, after);
    expect(r.explanations.map((e) => e.text)).toEqual([
      "+1: 4 secrets in kv-prod gained an expiry date",
      "\u22121: 3 secrets in kv-dev lost their expiry date",
    ]);
    expect(sum(r.explanations)).toBeCloseTo(r.delta!, 10);
  });

  test("new, removed and waived objects: the interaction line keeps the sum exact", () => {
    const before = [...vaultRules(), ...secrets(10, 2)];
    const after: LocatedFinding[] = [
      ...vaultRules().map((f) => (f.ruleId === "vault-rbac" ? { ...f, status: "fail" as const } : f)),
      ...secrets(10, 2).map((f) => (f.objectId === "s0" ? { ...f, waived: true } : f)),
      ...secrets(5, 5, "n"),
    ];
    const r = explainChange(before, after);
    const texts = r.explanations.map((e) => e.text);
    expect(texts).toContain(
      `${formatPoints(r.explanations.find((e) => e.ruleId === "vault-rbac")!.points)}: 1 vault (kv-prod) fails “Vaults use the Azure RBAC permission model”`,
    );
    expect(texts.some((t) => t.includes("5 new secrets in kv-prod fail"))).toBe(true);
    expect(
      texts.some((t) =>
        t.includes("1 secret in kv-prod that failed “Secrets have an expiration date” is no longer evaluated"),
      ),
    ).toBe(true);
    expect(sum(r.explanations)).toBeCloseTo(r.delta!, 10);
  });

  test("no score before (first scan): no delta; nothing changed: no lines", () => {
    expect(explainChange([], secrets(3, 1)).delta).toBeNull();
    const same = [...vaultRules(), ...secrets(5, 1)];
    expect(explainChange(same, same).explanations).toEqual([]);
  });

  test("points format: whole points, one decimal below 1, true minus", () => {
    expect(formatPoints(-4.2)).toBe("\u22124");
    expect(formatPoints(0.34)).toBe("+0.3");
    expect(formatPoints(-0.01)).toBe("±0");
    expect(formatPoints(12.5)).toBe("+13");
  });
});

describe("explainChange, any change", () => {
  const RULE_IDS = [
    "vault-soft-delete",
    "vault-rbac",
    "secret-expiration-set",
    "secret-content-type",
    "key-allowed-types",
  ];
  const STATES: (OutcomeStatus | "absent" | "waived")[] = [
    "pass",
    "fail",
    "unknown",
    "notApplicable",
    "absent",
    "waived",
  ];
  const estate = fc.array(
    fc.tuple(
      fc.constantFrom(...RULE_IDS),
      fc.integer({ min: 0, max: 30 }),
      fc.constantFrom(...STATES),
      fc.constantFrom(...STATES),
      fc.constantFrom("kv1", "kv2"),
    ),
    { maxLength: 120 },
  );
  const side = (rows: [string, number, string, string, string][], pick: 2 | 3) => {
    const out = new Map<string, LocatedFinding>();
    for (const r of rows) {
      const s = r[pick];
      if (s === "absent") continue;
      const f = finding(r[0], `o${r[1]}`, s === "waived" ? "fail" : (s as OutcomeStatus), {
        vaultId: r[4],
        vaultName: r[4],
        waived: s === "waived",
      });
      out.set(`${f.ruleId}/${f.objectId}`, f);
    }
    return [...out.values()];
  };

  test("the lines always sum to the change (an interaction below 0.05 points is not worth a line)", () => {
    fc.assert(
      fc.property(estate, (rows) => {
        const r = explainChange(side(rows, 2), side(rows, 3));
        if (r.delta === null) return;
        expect(Math.abs(sum(r.explanations) - r.delta)).toBeLessThan(0.05);
      }),
      { numRuns: 300 },
    );
  });
});

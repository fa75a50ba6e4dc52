/**
 * Each rule's Azure Policy reference against the built-in definition copied into tests/compliance-reference: the GUID
 * exists, every parameter the rule exposes is one of the definition's, and defaults equal the definition's defaults
 * (or lie within its allowed values when it has no default).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { RULES } from "@/lib/compliance/catalogue";

interface Definition {
  name: string;
  properties: {
    mode: string;
    parameters: Record<string, { type: string; defaultValue?: unknown; allowedValues?: unknown[] }>;
  };
}

const DIR = path.resolve(__dirname, "../../compliance-reference/azure-policy");
const definitions = new Map<string, { file: string; def: Definition }>(
  readdirSync(DIR)
    .filter((f) => f.endsWith(".json"))
    .map((file) => {
      const def = JSON.parse(readFileSync(path.join(DIR, file), "utf8")) as Definition;
      return [def.name, { file, def }];
    }),
);

/** Azure declares some integers as strings ("365"): compare as the rule's type. */
const asOurs = (ours: unknown, theirs: unknown) =>
  typeof ours === "number" && typeof theirs === "string" ? Number(theirs) : theirs;

const withPolicy = RULES.filter((r) => r.references.azurePolicy);

describe("Azure Policy references", () => {
  test("every copied definition is used by a rule, and rule GUIDs are unique", () => {
    const used = withPolicy.map((r) => r.references.azurePolicy);
    expect(new Set(used).size).toBe(used.length);
    expect([...definitions.keys()].sort()).toEqual([...used].sort());
  });

  test.each(withPolicy.map((r) => [r.id, r] as const))("%s matches its definition", (_id, rule) => {
    const ref = definitions.get(rule.references.azurePolicy!);
    expect(ref, `definition ${rule.references.azurePolicy} copied`).toBeDefined();
    const azureParams = ref!.def.properties.parameters;
    const defaults = rule.params.parse({}) as Record<string, unknown>;
    for (const [name, value] of Object.entries(defaults)) {
      const p = azureParams[name];
      expect(p, `${name} is a parameter of ${ref!.file}`).toBeDefined();
      if (p.defaultValue !== undefined) expect(value, `${name} default`).toEqual(asOurs(value, p.defaultValue));
      else if (p.allowedValues) {
        for (const v of Array.isArray(value) ? value : [value]) expect(p.allowedValues).toContain(v);
      }
      // Every value Azure allows is accepted by our schema, and nothing outside it.
      const shape = (rule.params as z.ZodObject).shape[name] as z.ZodType;
      for (const v of p.allowedValues ?? [])
        expect(shape.safeParse(Array.isArray(value) ? [v] : v).success, `${name} accepts ${String(v)}`).toBe(true);
      if (p.allowedValues && !Array.isArray(value)) expect(shape.safeParse(1234).success).toBe(false);
    }
    // Every parameter of the definition but its effect is exposed by the rule.
    const exposed = Object.keys(azureParams).filter((n) => !/effect$/i.test(n));
    expect(Object.keys(defaults).sort()).toEqual(exposed.sort());
  });
});

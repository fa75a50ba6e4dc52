/**
 * Mapping integrity: every mapped control exists in its source list (CIS v6.0, SOC 2, ISO 27001:2022, copied from
 * prowler into tests/compliance-reference/controls), CIS titles are the benchmark's own, every rule is mapped, and the
 * CIS/MCSB references on the rules agree with the mappings.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { RULES } from "@/lib/compliance/catalogue";
import { FRAMEWORKS, frameworkById } from "@/lib/compliance/frameworks";

const DIR = path.resolve(__dirname, "../../compliance-reference/controls");
const sourceList = (file: string) =>
  new Map(
    (
      JSON.parse(readFileSync(path.join(DIR, file), "utf8")) as { controls: { id: string; title: string }[] }
    ).controls.map((c) => [c.id, c.title]),
  );

const SOURCES: Record<string, string> = {
  "cis-azure-6.0": "cis-azure-6.0.json",
  "soc2-2017": "soc2.json",
  "iso27001-2022": "iso27001-2022.json",
};

/** Id formats for the frameworks without a machine-readable list here. */
const FORMATS: Record<string, RegExp> = {
  "mcsb-1": /^(NS|IM|PA|DP|AM|LT|IR|PV|ES|BR|DS|GS)-\d{1,2}$/,
  "nist-800-53-r5": /^[A-Z]{2}-\d{1,2}(\(\d{1,2}\))?$/,
  "pci-dss-4.0": /^(1[0-2]|[1-9])(\.\d{1,2}){1,3}$/,
  "hipaa-security": /^164\.3(0[8-9]|1[0-6])(\([a-zA-Z0-9]+\))+$/,
};

describe("framework mappings", () => {
  test.each(Object.entries(SOURCES))("%s: every control id exists in the source list", (id, file) => {
    const list = sourceList(file);
    const missing = frameworkById(id)!
      .controls.filter((c) => !list.has(c.id))
      .map((c) => c.id);
    expect(missing).toEqual([]);
  });

  test("CIS titles are the benchmark's, and the Key Vault section is complete (8.3.1–8.3.11)", () => {
    const list = sourceList("cis-azure-6.0.json");
    for (const c of frameworkById("cis-azure-6.0")!.controls) expect(c.title, c.id).toBe(list.get(c.id));
    const kv = [...list.keys()].filter((k) => k.startsWith("8.3."));
    const mapped = frameworkById("cis-azure-6.0")!.controls.map((c) => c.id);
    expect(kv.length).toBe(11);
    for (const k of kv) expect(mapped).toContain(k);
  });

  test.each(Object.entries(FORMATS))("%s: ids have the framework's format", (id, format) => {
    for (const c of frameworkById(id)!.controls) expect(c.id, c.id).toMatch(format);
  });

  test("every framework has a unique id and unique control ids; every framework is checked", () => {
    expect(new Set(FRAMEWORKS.map((f) => f.id)).size).toBe(FRAMEWORKS.length);
    for (const f of FRAMEWORKS) expect(new Set(f.controls.map((c) => c.id)).size, f.id).toBe(f.controls.length);
    expect(FRAMEWORKS.map((f) => f.id).sort()).toEqual([...Object.keys(SOURCES), ...Object.keys(FORMATS)].sort());
  });

  test("mapped rules exist; scored controls have rules, customer ones none", () => {
    const ids = new Set(RULES.map((r) => r.id));
    for (const f of FRAMEWORKS)
      for (const c of f.controls) {
        for (const r of c.rules) expect(ids.has(r), `${f.id} ${c.id} → ${r}`).toBe(true);
        expect(c.rules.length > 0, `${f.id} ${c.id}`).toBe(c.coverage !== "customer");
      }
  });

  test("docs/compliance.md lists every rule and framework", () => {
    const doc = readFileSync(path.resolve(__dirname, "../../../docs/compliance.md"), "utf8");
    const missing = [...RULES.map((r) => r.id), ...FRAMEWORKS.map((f) => f.id)].filter(
      (id) => !doc.includes(`\`${id}\``),
    );
    expect(missing).toEqual([]);
  });

  test("every rule appears in at least one framework", () => {
    const mapped = new Set(FRAMEWORKS.flatMap((f) => f.controls.flatMap((c) => c.rules)));
    expect(RULES.filter((r) => !mapped.has(r.id)).map((r) => r.id)).toEqual([]);
  });

  test.each([
    ["cis", "cis-azure-6.0"],
    ["mcsb", "mcsb-1"],
  ] as const)("the rules' %s references agree with the mapping", (ref, fw) => {
    const controls = frameworkById(fw)!.controls;
    for (const r of RULES)
      for (const cid of r.references[ref] ?? []) {
        const c = controls.find((x) => x.id === cid);
        expect(c?.rules, `${r.id} → ${cid}`).toContain(r.id);
      }
  });
});

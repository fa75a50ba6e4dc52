/**
 * The house rules of docs/architecture.md, checked on every test run: imports point down the layers, no import loops
 * between files or between lib/ folders, app/ reaches the database only through services, files stay small.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { findCycles, importGraph, unitOf } from "../support/import-graph";

const ROOT = path.resolve(__dirname, "../..");
const sources = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "lib", "app"], {
  cwd: ROOT,
  encoding: "utf8",
})
  .split("\n")
  .filter((f) => /\.tsx?$/.test(f));

const graph = importGraph(ROOT, sources, (file) => ts.preProcessFile(readFileSync(path.join(ROOT, file), "utf8")));

describe("import graph", () => {
  it("has no file-level import loops", () => {
    expect(findCycles(graph.files)).toEqual([]);
  });

  it("has no folder-level loops between lib/ domains", () => {
    expect(findCycles(graph.units)).toEqual([]);
  });

  it("keeps app/ away from the database: services only", () => {
    const offenders = [...graph.files].flatMap(([from, tos]) =>
      from.startsWith("app/") ? [...tos].filter((t) => t.startsWith("lib/db/")).map((t) => `${from} -> ${t}`) : [],
    );
    expect(offenders).toEqual([]);
  });

  it("never imports app/ or tests/ from lib/", () => {
    const offenders = [...graph.files].flatMap(([from, tos]) =>
      from.startsWith("lib/") ? [...tos].filter((t) => /^(app|tests)\//.test(t)).map((t) => `${from} -> ${t}`) : [],
    );
    expect(offenders).toEqual([]);
  });

  it("groups lib files by domain folder", () => {
    expect(unitOf("lib/discovery/scan/x.ts")).toBe("lib/discovery");
    expect(unitOf("lib/config.ts")).toBe("lib/config");
    expect(unitOf("app/(console)/page.tsx")).toBe("app");
  });
});

describe("file size", () => {
  it("keeps every file under app/ and lib/ within ~300 lines", () => {
    const long = sources
      .map((f) => ({ f, n: readFileSync(path.join(ROOT, f), "utf8").split("\n").length }))
      .filter(({ n }) => n > 320)
      .map(({ f, n }) => `${f}: ${n}`);
    expect(long).toEqual([]);
  });
});

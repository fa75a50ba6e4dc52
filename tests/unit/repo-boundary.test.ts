/**
 * A clone of this repository must work on its own. CI checks it out beside other folders (reference data, a package
 * library) that a user's clone does not have, so a path reaching out of the repository works in CI and breaks for
 * everyone else. This test reads every tracked file (and follows tracked symlinks) and fails on such a path.
 */
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";

const ROOT = path.resolve(__dirname, "../..");

/** Absolute paths of the CI machine's layout. */
const CI_ABSOLUTE = /(?<![\w.~:/@-])\/work\//g;
/** Folders that sit beside the checkout in CI: a relative reference to them is one to outside the repository. */
const NEIGHBOURS = "shared|\\.library";
const NEIGHBOUR_PATH = new RegExp(`(?<![\\w.\\/@-])((?:\\.\\.?\\/)*\\.\\.\\/(?:${NEIGHBOURS}))(?![\\w.-])`, "g");
/** path.join(x, "..", "shared") and the like: no literal path, same escape. */
const NEIGHBOUR_SEGMENTS = new RegExp(`["'\`]\\.\\.["'\`]\\s*,\\s*["'\`](?:${NEIGHBOURS})["'\`]`, "g");
/** A relative path literal going up at least once: `../x`, `./../x`, `../../x/y.md`. */
const UPWARD_PATH = /(?<![\w.\/@~$-])((?:\.\/)?(?:\.\.\/)+[^\s"'`()<>[\]{},;*|\\]*)/g;

interface Finding {
  line: number;
  column: number;
  match: string;
  why: string;
}

/**
 * References in `text` (the content of `file`, relative to the repository root) to paths outside the repository.
 * `exists` tells whether an absolute path exists (injected so the rules can be tested without a tree).
 */
function isInside(abs: string): boolean {
  return abs === ROOT || abs.startsWith(ROOT + path.sep);
}

function isSymlink(abs: string): boolean {
  try {
    return lstatSync(abs).isSymbolicLink();
  } catch {
    return false;
  }
}

function outsideReferences(file: string, text: string, exists: (abs: string) => boolean): Finding[] {
  const folder = path.join(ROOT, path.dirname(file));
  const findings: Finding[] = [];
  const markdown = file.endsWith(".md");
  let inCodeBlock = false;
  text.split("\n").forEach((content, i) => {
    if (markdown && /^\s*(```|~~~)/.test(content)) inCodeBlock = !inCodeBlock;
    const add = (m: RegExpMatchArray, match: string, why: string) =>
      findings.push({ line: i + 1, column: m.index! + m[0].indexOf(match) + 1, match, why });
    for (const m of content.matchAll(CI_ABSOLUTE)) add(m, m[0], "absolute path of the CI machine");
    for (const m of content.matchAll(NEIGHBOUR_SEGMENTS)) add(m, m[0], "path built to a folder beside the repository");
    for (const m of content.matchAll(NEIGHBOUR_PATH)) {
      // An ordinary import of a folder that happens to be called "shared" resolves inside the tree and exists.
      const abs = path.resolve(folder, m[1]);
      if (!isInside(abs) || !exists(abs)) add(m, m[1], "folder beside the repository in CI, absent from a clone");
    }
    // A code sample's relative imports belong to the file it imagines, not to the document showing it.
    if (inCodeBlock) return;
    for (const m of content.matchAll(UPWARD_PATH)) {
      if (!isInside(path.resolve(folder, m[1])))
        add(m, m[1], `resolves above the repository root from ${path.dirname(file)}/`);
    }
  });
  // One reference can break several rules; report it once.
  return findings.filter((f, i) => findings.findIndex((g) => g.line === f.line && g.column === f.column) === i);
}

function gitFiles(): string[] | undefined {
  try {
    const out = execFileSync("git", ["ls-files", "-z"], {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    return out.split("\0").filter(Boolean);
  } catch {
    return undefined; // not a git checkout (an unpacked archive): nothing to enumerate
  }
}

const files = gitFiles();
const exists = (abs: string) => existsSync(abs);

// the neighbour's name is assembled so that this file itself names no path outside the tree
const UP_SHARED = ["..", "shared"].join("/");

describe("outsideReferences", () => {
  const scan = (file: string, text: string, present: string[] = []) =>
    outsideReferences(file, text, (abs) => present.includes(path.relative(ROOT, abs))).map((f) => f.match);

  test("flags a link from the root to a sibling folder", () => {
    expect(scan("README.md", `- [\`${UP_SHARED}/ARCHITECTURE.md\`](${UP_SHARED}/ARCHITECTURE.md) — layers`)).toEqual([
      UP_SHARED,
      UP_SHARED,
    ]);
  });
  test("flags a neighbour named relative to the root in a nested document", () => {
    expect(
      scan("docs/local-cloud.md", `reads the payloads from \`${UP_SHARED}/reference/api-examples\` (relative to`),
    ).toEqual([UP_SHARED]);
    expect(scan("tests/x.ts", 'const lib = "../../.library/env/packages";')).toEqual(["../../.library"]);
  });
  test("flags a path built with path.join/resolve to a neighbour", () => {
    expect(scan("tests/x/shape.ts", 'path.resolve(REPO_ROOT, "..", "shared", "reference", "api-examples")')).toEqual([
      '"..", "shared"',
    ]);
  });
  test("flags absolute paths of the CI machine, not URLs that contain the same segment", () => {
    expect(scan("tests/x.ts", 'const dir = "/work/shared/reference";')).toEqual(["/work/"]);
    expect(scan("docs/a.md", "see https://example.com/work/items and C:/work/x")).toEqual([]);
  });
  test("flags relative paths that climb above the root from the file's folder", () => {
    expect(scan("lib/a/b.ts", 'import x from "../../../other-repo/x";')).toEqual(["../../../other-repo/x"]);
    expect(scan("tests/unit/x.test.ts", "cd ./../../../somewhere")).toEqual(["./../../../somewhere"]);
  });
  test("leaves ordinary relative imports inside the tree alone", () => {
    expect(scan("tests/integration/cloud/contract.test.ts", 'import { startCloud } from "../../cloud";')).toEqual([]);
    expect(scan("lib/a/b.ts", `import { y } from "${UP_SHARED}/util";`, ["lib/shared"])).toEqual([]);
    expect(scan("docs/adr/0001.md", "[console](../console.md), [root](../../README.md)")).toEqual([]);
    // in a Markdown code sample, relative to the file the sample imagines (the named neighbours still count)
    expect(scan("docs/a.md", '```ts\nimport { x } from "../../tests/cloud";\n```\n[up](../../x)')).toEqual(["../../x"]);
    expect(scan("docs/a.md", `\`\`\`sh\nls ${UP_SHARED}\n\`\`\``)).toEqual([UP_SHARED]);
    expect(scan("lib/x.ts", "const re = /\\.\\.\\//; const u = `${base}/../x`; // ...and ../ so on")).toEqual([]);
  });
});

describe.skipIf(!files)("repository boundary", () => {
  test("no file refers to a path outside the repository", () => {
    const self = path.relative(ROOT, __filename);
    const offenders: string[] = [];
    for (const file of files!) {
      // This file spells out what it forbids.
      if (file === self) continue;
      const abs = path.join(ROOT, file);
      if (!existsSync(abs) && !isSymlink(abs)) continue; // deleted in the work tree, not yet in the index
      if (isSymlink(abs)) {
        // git stores a symlink as its target path: the same rules apply to it, and it must land inside the tree.
        const target = readlinkSync(abs);
        const problems = outsideReferences(file, target, exists).map((f) => f.why);
        if (!isInside(path.resolve(path.dirname(abs), target))) problems.push("points outside the repository");
        if (problems.length) offenders.push(`${file}: symlink to ${target} (${problems.join("; ")})`);
        continue;
      }
      const bytes = readFileSync(abs);
      if (bytes.subarray(0, 8000).includes(0)) continue; // binary
      for (const f of outsideReferences(file, bytes.toString("utf8"), exists))
        offenders.push(`${file}:${f.line}:${f.column}: ${f.match} (${f.why})`);
    }
    expect(offenders).toEqual([]);
  });
});

import { existsSync } from "node:fs";
import path from "node:path";

type Preprocessed = { importedFiles: { fileName: string }[] };

/** A file's unit for the folder-level rule: a lib/ domain folder (or top-level lib file), or the top folder. */
export function unitOf(file: string): string {
  const parts = file.split("/");
  if (parts[0] === "lib") return parts.length > 2 ? `lib/${parts[1]}` : file.replace(/\.tsx?$/, "");
  return parts[0];
}

function resolve(root: string, from: string, spec: string): string | undefined {
  let target: string;
  if (spec.startsWith("@/")) target = spec.slice(2);
  else if (spec.startsWith(".")) target = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  else return undefined; // a package
  for (const candidate of [target, `${target}.ts`, `${target}.tsx`, `${target}/index.ts`, `${target}/index.tsx`])
    if (/\.tsx?$/.test(candidate) && existsSync(path.join(root, candidate))) return candidate;
  return target;
}

/** File → imported files (type-only imports included: a type loop is still a loop for a reader). */
export function importGraph(root: string, files: string[], parse: (file: string) => Preprocessed) {
  const fileEdges = new Map<string, Set<string>>();
  const unitEdges = new Map<string, Set<string>>();
  for (const f of files) {
    const tos = new Set<string>();
    for (const imp of parse(f).importedFiles) {
      const t = resolve(root, f, imp.fileName);
      if (!t) continue;
      tos.add(t);
      const [a, b] = [unitOf(f), unitOf(t)];
      if (a !== b && a.startsWith("lib") && b.startsWith("lib")) {
        if (!unitEdges.has(a)) unitEdges.set(a, new Set());
        unitEdges.get(a)!.add(b);
      }
    }
    fileEdges.set(f, tos);
  }
  return { files: fileEdges, units: unitEdges };
}

/** Every strongly connected component with more than one node (or a self-loop), as sorted member lists. */
export function findCycles(edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || edges.get(v)?.has(v)) out.push(comp.sort());
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) visit(v);
  return out;
}

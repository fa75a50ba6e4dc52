/**
 * What the fuzz suite drives, read from the production build rather than listed by hand, so a new page, route handler
 * or server action is fuzzed the day it is added: app-paths-manifest.json names every page and route handler,
 * server-reference-manifest.json every server action and the pages that can call it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

const SERVER_DIR = path.resolve(__dirname, "../../.next/standalone/.next/server");

export type Segment = { kind: "static"; value: string } | { kind: "param"; name: string } | { kind: "catchAll" };

export interface Target {
  /** The manifest's key, e.g. "/(console)/apps/[id]/page". */
  key: string;
  kind: "page" | "route";
  /** The URL pattern, e.g. "/apps/[id]". */
  pattern: string;
  segments: Segment[];
}

export interface ActionTarget {
  id: string;
  name: string;
  /** URL patterns of the pages the action can be posted to. */
  pages: string[];
}

/** Next's internal pages, which no URL reaches as such (the not-found page is fuzzed through every unknown path). */
const INTERNAL = new Set(["/_global-error/page", "/_not-found/page"]);

function toTarget(key: string): Target {
  const kind = key.endsWith("/route") ? "route" : "page";
  const parts = key
    .replace(/\/(page|route)$/, "")
    .split("/")
    .filter((p) => p && !/^\(.*\)$/.test(p));
  const segments: Segment[] = parts.map((p) => {
    if (/^\[\[?\.\.\./.test(p)) return { kind: "catchAll" };
    const param = /^\[(.+)\]$/.exec(p);
    return param ? { kind: "param", name: param[1] } : { kind: "static", value: p };
  });
  return { key, kind, pattern: `/${parts.join("/")}`, segments };
}

export function buildTargets(serverDir = SERVER_DIR): { targets: Target[]; actions: ActionTarget[] } {
  const appPaths = JSON.parse(readFileSync(path.join(serverDir, "app-paths-manifest.json"), "utf8")) as Record<
    string,
    string
  >;
  const targets = Object.keys(appPaths)
    .filter((k) => !INTERNAL.has(k))
    .map(toTarget);
  const refs = JSON.parse(readFileSync(path.join(serverDir, "server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { workers: Record<string, unknown>; exportedName?: string }>;
  };
  const actions = Object.entries(refs.node).map(([id, a]) => ({
    id,
    name: a.exportedName ?? id,
    pages: Object.keys(a.workers).map((w) => toTarget(`/${w.replace(/^app\//, "")}`).pattern),
  }));
  return { targets, actions };
}

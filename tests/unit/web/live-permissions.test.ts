import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LIVE_PERMISSIONS, PERMISSIONS } from "@/lib/auth/permissions";

const ROOT = path.resolve(__dirname, "../../..");

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => readFileSync(path.join(e.parentPath, e.name), "utf8"));
}

/** Permissions the code actually checks: verbs, pages, actions, route handlers and the navigation. */
function checkedPermissions(): Set<string> {
  const found = new Set<string>();
  const check = /(?:assertPermission\(\s*\w+,|requirePage\(|rolesGrant\([^,]+,|access:)\s*"([a-z]+:[a-z]+)"/g;
  for (const src of [...sources("app"), ...sources("lib")]) for (const m of src.matchAll(check)) found.add(m[1]);
  return found;
}

describe("the roles grid shows only what the product does today", () => {
  it("lists exactly the permissions some feature checks", () => {
    expect(new Set(LIVE_PERMISSIONS)).toEqual(checkedPermissions());
  });

  it("leaves out the reserved permissions of features that do not exist yet", () => {
    for (const later of ["sync:run", "credentials:write"]) expect(LIVE_PERMISSIONS).not.toContain(later);
    for (const p of LIVE_PERMISSIONS) expect(PERMISSIONS).toHaveProperty(p);
  });
});

import { describe, expect, it } from "vitest";
import { canonicalJson } from "@/lib/audit/canonical";
import { loadConfig } from "@/lib/config";
import { REDACTED, redactDetails } from "@/lib/audit/redact";
import { assertPermission } from "@/lib/auth/authorize";
import {
  MATRIX,
  PERMISSIONS,
  ROLES,
  isRole,
  primaryRole,
  roleLabel,
  rolesGrant,
  type Permission,
  type Role,
} from "@/lib/auth/permissions";
import { resolveRoles } from "@/lib/auth/resolve-roles";
import type { Ctx } from "@/lib/context";
import { AppError } from "@/lib/errors";

const VIEWER = "CertifyClouds.Viewer";
const AUDITOR = "CertifyClouds.Auditor";
const OPERATOR = "CertifyClouds.Operator";
const ADMIN = "CertifyClouds.Admin";

/** The matrix as the issue states it, written out independently of lib/auth/permissions.ts. */
const EXPECTED: Record<Role, Permission[]> = {
  [VIEWER]: ["dashboard:read"],
  [AUDITOR]: ["dashboard:read", "audit:read", "evidence:export"],
  [OPERATOR]: [
    "dashboard:read",
    "audit:read",
    "evidence:export",
    "scan:run",
    "rotation:run",
    "sync:run",
    "waivers:propose",
  ],
  [ADMIN]: [
    "dashboard:read",
    "audit:read",
    "evidence:export",
    "scan:run",
    "rotation:run",
    "sync:run",
    "settings:write",
    "alerts:write",
    "credentials:write",
    "sessions:manage",
    "waivers:propose",
    "waivers:decide",
    "rotation:approve",
  ],
};

describe("permission matrix", () => {
  it("knows exactly the four app roles, lowest first", () => {
    expect([...ROLES]).toEqual([VIEWER, AUDITOR, OPERATOR, ADMIN]);
    expect(Object.keys(MATRIX).sort()).toEqual([ADMIN, AUDITOR, OPERATOR, VIEWER]);
  });

  it("declares exactly the thirteen permissions", () => {
    expect(Object.keys(PERMISSIONS).sort()).toEqual([...EXPECTED[ADMIN]].sort());
  });

  it.each(ROLES.map((r) => [r]))("%s holds exactly its documented permissions", (role) => {
    expect([...MATRIX[role]].sort()).toEqual([...EXPECTED[role]].sort());
  });

  it("is a strict chain Viewer ⊂ Auditor ⊂ Operator ⊂ Admin", () => {
    for (let i = 1; i < ROLES.length; i++) {
      const lower = MATRIX[ROLES[i - 1]];
      const higher = MATRIX[ROLES[i]];
      for (const p of lower) expect(higher.has(p), `${ROLES[i]} must include ${p} of ${ROLES[i - 1]}`).toBe(true);
      expect(higher.size).toBeGreaterThan(lower.size);
    }
    expect(MATRIX[ADMIN].size).toBe(Object.keys(PERMISSIONS).length);
  });

  it("rolesGrant answers every (role, permission) pair as documented", () => {
    for (const role of ROLES) {
      for (const p of Object.keys(PERMISSIONS) as Permission[]) {
        expect(rolesGrant([role], p), `${role} / ${p}`).toBe(EXPECTED[role].includes(p));
      }
    }
  });

  it("rolesGrant: no roles or unknown roles grant nothing; several roles grant the union", () => {
    expect(rolesGrant([], "dashboard:read")).toBe(false);
    expect(rolesGrant(["CertifyClouds.Owner", "Admin", "certifyclouds.admin"], "dashboard:read")).toBe(false);
    expect(rolesGrant(["CertifyClouds.Owner", VIEWER], "dashboard:read")).toBe(true);
    expect(rolesGrant([VIEWER, OPERATOR], "scan:run")).toBe(true);
    expect(rolesGrant([VIEWER, AUDITOR], "scan:run")).toBe(false);
  });

  it("isRole is exact and case-sensitive", () => {
    expect(isRole(ADMIN)).toBe(true);
    expect(isRole("certifyclouds.admin")).toBe(false);
    expect(isRole("Admin")).toBe(false);
    expect(isRole("")).toBe(false);
  });
});

describe("assertPermission (service-side check)", () => {
  const req = { requestId: "req-unit-0001" };
  const user = (roles: Role[]): Ctx => ({
    actor: { type: "user", userId: "u", oid: "o", upn: "u@x", name: "U", roles },
    request: req,
  });
  const code = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      return (e as AppError).code;
    }
    return "allowed";
  };

  it("lets the system actor through, refuses anonymous and under-privileged users", () => {
    expect(
      code(() => assertPermission({ actor: { type: "system", job: "scan" }, request: req }, "sessions:manage")),
    ).toBe("allowed");
    expect(code(() => assertPermission({ actor: { type: "anonymous" }, request: req }, "dashboard:read"))).toBe(
      "unauthenticated",
    );
    expect(code(() => assertPermission(user([]), "dashboard:read"))).toBe("forbidden");
    expect(code(() => assertPermission(user([OPERATOR]), "sessions:manage"))).toBe("forbidden");
    expect(code(() => assertPermission(user([ADMIN]), "sessions:manage"))).toBe("allowed");
    expect(code(() => assertPermission(user([AUDITOR]), "evidence:export"))).toBe("allowed");
  });
});

describe("resolveRoles", () => {
  const G1 = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
  const G2 = "0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f";
  const map = { [G1]: OPERATOR, [G2]: AUDITOR };

  it("keeps known roles from the roles claim and drops unknown or non-string ones", () => {
    expect(resolveRoles({ roles: [VIEWER, "CertifyClouds.Owner", 42, null, "admin", AUDITOR] }, {}).sort()).toEqual([
      AUDITOR,
      VIEWER,
    ]);
  });

  it("returns no roles for a missing or malformed claim", () => {
    expect(resolveRoles({}, map)).toEqual([]);
    expect(resolveRoles({ roles: ADMIN, groups: G1 }, map)).toEqual([]);
    expect(resolveRoles({ roles: null, groups: { [G1]: true } }, map)).toEqual([]);
  });

  it("maps groups through the configured group map, ignoring unmapped groups", () => {
    expect(resolveRoles({ groups: [G1, "11111111-1111-4111-8111-111111111111"] }, map)).toEqual([OPERATOR]);
    expect(resolveRoles({ groups: [G1, G2] }, map).sort()).toEqual([AUDITOR, OPERATOR]);
  });

  it("matches a group id regardless of case", () => {
    expect(resolveRoles({ groups: [G1.toUpperCase()] }, map)).toEqual([OPERATOR]);
  });

  // Entra sends lower-case group ids; a map written in upper case must still match.
  it("an upper-case GUID in ROLE_GROUP_MAP matches the lower-case id in the groups claim", () => {
    const cfg = loadConfig({
      SECRET_KEY: Buffer.alloc(32, 9).toString("base64"),
      ROLE_GROUP_MAP: JSON.stringify({ [G1.toUpperCase()]: OPERATOR }),
    });
    expect(resolveRoles({ groups: [G1] }, cfg.auth.roleGroupMap)).toEqual([OPERATOR]);
  });

  it("ignores a group mapped to something that is not a role", () => {
    expect(resolveRoles({ groups: [G1] }, { [G1]: "CertifyClouds.Owner" })).toEqual([]);
  });

  it("unions roles claim and group roles without duplicates", () => {
    const roles = resolveRoles({ roles: [OPERATOR, VIEWER], groups: [G1, G2] }, map);
    expect(roles.sort()).toEqual([AUDITOR, OPERATOR, VIEWER]);
  });
});

describe("primaryRole / roleLabel", () => {
  it("returns the highest role held regardless of order", () => {
    expect(primaryRole([VIEWER, ADMIN, AUDITOR])).toBe(ADMIN);
    expect(primaryRole([AUDITOR, VIEWER])).toBe(AUDITOR);
    expect(primaryRole([OPERATOR])).toBe(OPERATOR);
    expect(primaryRole(["CertifyClouds.Owner", VIEWER])).toBe(VIEWER);
  });

  it("returns undefined with no known role", () => {
    expect(primaryRole([])).toBeUndefined();
    expect(primaryRole(["CertifyClouds.Owner"])).toBeUndefined();
  });

  it("labels roles for display", () => {
    expect(roleLabel(ADMIN)).toBe("Admin");
    expect(roleLabel(undefined)).toBe("No role");
  });
});

describe("canonicalJson", () => {
  it("is independent of key order at every depth", () => {
    const a = { b: 1, a: { y: [1, { d: 2, c: 3 }], x: "s" }, c: null };
    const b = { c: null, a: { x: "s", y: [1, { c: 3, d: 2 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"x":"s","y":[1,{"c":3,"d":2}]},"b":1,"c":null}');
  });

  it("keeps array order, drops undefined members and serialises dates as ISO strings", () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson({ at: new Date("2024-01-02T03:04:05.000Z") })).toBe('{"at":"2024-01-02T03:04:05.000Z"}');
  });

  it("distinguishes different values", () => {
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: "1" }));
    expect(canonicalJson({ a: { b: 1 } })).not.toBe(canonicalJson({ a: { b: 2 } }));
  });

  it("handles primitives", () => {
    expect(canonicalJson("x")).toBe('"x"');
    expect(canonicalJson(3)).toBe("3");
    expect(canonicalJson(null)).toBe("null");
  });
});

describe("redactDetails", () => {
  it("redacts sensitive keys at any depth, including inside arrays, and keeps the rest", () => {
    const input = {
      vault: "kv-prod",
      value: "s3cr3t-value",
      nested: {
        secret: "s3cr3t",
        password: "hunter2",
        keep: "visible",
        deeper: { clientSecret: "cs-123", token: "tok-456", name: "app-1" },
      },
      list: [{ token: "tok-789", id: 7 }, "plain", 3],
      count: 2,
      enabled: false,
      nothing: null,
    };
    const out = redactDetails(input);
    expect(out).toEqual({
      vault: "kv-prod",
      value: REDACTED,
      nested: {
        secret: REDACTED,
        password: REDACTED,
        keep: "visible",
        deeper: { clientSecret: REDACTED, token: REDACTED, name: "app-1" },
      },
      list: [{ token: REDACTED, id: 7 }, "plain", 3],
      count: 2,
      enabled: false,
      nothing: null,
    });
    const json = JSON.stringify(out);
    for (const s of ["s3cr3t", "hunter2", "cs-123", "tok-"]) expect(json).not.toContain(s);
  });

  it("matches key names case-insensitively and covers the other credential names", () => {
    const keys = [
      "ClientSecret",
      "TOKEN",
      "Password",
      "client_secret",
      "accessToken",
      "refreshToken",
      "id_token",
      "Authorization",
      "cookie",
      "apiKey",
      "privateKey",
      "secretValue",
    ];
    const out = redactDetails(Object.fromEntries(keys.map((k) => [k, "leak"]))) as Record<string, unknown>;
    for (const k of keys) expect(out[k], k).toBe(REDACTED);
  });

  it("redacts the whole subtree under a sensitive key", () => {
    expect(redactDetails({ secret: { nested: "x" } })).toEqual({ secret: REDACTED });
  });

  it("does not redact keys that merely contain a sensitive word", () => {
    expect(redactDetails({ secretName: "db-password", tokenExpiry: "2030-01-01", valueCount: 3 })).toEqual({
      secretName: "db-password",
      tokenExpiry: "2030-01-01",
      valueCount: 3,
    });
  });

  it("does not mutate its input", () => {
    const input = { password: "p", inner: { token: "t" } };
    redactDetails(input);
    expect(input).toEqual({ password: "p", inner: { token: "t" } });
  });

  it("truncates very long strings and cuts off very deep nesting", () => {
    const long = "a".repeat(5000);
    const out = redactDetails({ note: long }) as { note: string };
    expect(out.note.length).toBe(2001);
    expect(out.note.endsWith("…")).toBe(true);
    let deep: Record<string, unknown> = { leaf: "x" };
    for (let i = 0; i < 12; i++) deep = { d: deep };
    expect(JSON.stringify(redactDetails(deep))).not.toContain("leaf");
  });
});
